/**
 * The dependency graph of components across projects and repositories: components as nodes
 * (`<project>/<component>`), declared dependencies as edges with the endpoint they use. Pure.
 * Cycles are found as strongly connected components and each named by one cycle through it.
 */
import { catalogKey } from "../renderers/apps.js";
import type { Component } from "../renderers/model/index.js";

/** A component to place in the graph, with where it is declared when known. */
export interface GraphComponent {
  readonly component: Component;
  /** `owner/name` of the app repository declaring it. */
  readonly repo?: string;
  /** The file declaring it (repository-relative, or as the CLI was given it). */
  readonly file?: string;
}

/** One node: a component, or a dependency target no input declares (`missing`). */
export interface GraphNode {
  /** `<project>/<component>`. */
  readonly id: string;
  readonly project: string;
  readonly component: string;
  /** Its ComponentType; absent for a missing node. */
  readonly type?: string;
  readonly repo?: string;
  readonly file?: string;
  /** No input declares it, yet something depends on it. */
  readonly missing?: true;
}

/** One dependency: `from` consumes `endpoint` of `to`. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly endpoint: string;
  /** The endpoint's type and port, when `to` declares it. */
  readonly endpointType?: string;
  readonly port?: number;
}

export interface DependencyGraph {
  /** Sorted by id. */
  readonly nodes: readonly GraphNode[];
  /** Sorted by from, to, endpoint. */
  readonly edges: readonly GraphEdge[];
  /** Each cycle as ids from its smallest node back to it (`[a, b, a]`), sorted. */
  readonly cycles: readonly (readonly string[])[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Builds the graph; a component declared twice keeps its first declaration. */
export function buildGraph(components: readonly GraphComponent[]): DependencyGraph {
  const nodes = new Map<string, GraphNode>();
  const declared = new Map<string, Component>();
  for (const { component, repo, file } of components) {
    const id = catalogKey(component.metadata.project, component.metadata.name);
    if (nodes.has(id)) continue;
    declared.set(id, component);
    nodes.set(id, {
      id,
      project: component.metadata.project,
      component: component.metadata.name,
      type: component.spec.type,
      ...(repo !== undefined ? { repo } : {}),
      ...(file !== undefined ? { file } : {}),
    });
  }
  const edges = new Map<string, GraphEdge>();
  for (const [from, component] of declared) {
    for (const dep of component.spec.dependencies) {
      const project = dep.project ?? component.metadata.project;
      const to = catalogKey(project, dep.component);
      const endpoint = declared.get(to)?.spec.endpoints[dep.endpoint];
      if (!nodes.has(to)) nodes.set(to, { id: to, project, component: dep.component, missing: true });
      const edge: GraphEdge = { from, to, endpoint: dep.endpoint, ...(endpoint ? { endpointType: endpoint.type, port: endpoint.port } : {}) };
      edges.set(`${from}\0${to}\0${dep.endpoint}`, edge);
    }
  }
  const sortedEdges = [...edges.values()].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.endpoint, b.endpoint));
  const sortedNodes = [...nodes.values()].sort((a, b) => compare(a.id, b.id));
  return { nodes: sortedNodes, edges: sortedEdges, cycles: findCycles(sortedNodes, sortedEdges) };
}

/** Successors of each node, sorted and without repeats. */
function adjacency(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Map<string, string[]> {
  const out = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    const next = out.get(e.from)!;
    if (!next.includes(e.to)) next.push(e.to);
  }
  for (const list of out.values()) list.sort(compare);
  return out;
}

/** Tarjan's strongly connected components (iteration order fixed by the sorted input). */
function stronglyConnected(ids: readonly string[], next: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      out.push(group.sort(compare));
    }
  };
  for (const id of ids) if (!index.has(id)) visit(id);
  return out;
}

/** One cycle through a strongly connected group: from its smallest node, the smallest next step that can still return. */
function cycleThrough(group: readonly string[], next: ReadonlyMap<string, readonly string[]>): string[] {
  const inside = new Set(group);
  const start = group[0]!;
  const path = [start];
  const seen = new Set<string>([start]);
  const walk = (v: string): boolean => {
    for (const w of next.get(v) ?? []) {
      if (w === start) return true;
      if (!inside.has(w) || seen.has(w)) continue;
      seen.add(w);
      path.push(w);
      if (walk(w)) return true;
      path.pop();
    }
    return false;
  };
  walk(start);
  return [...path, start];
}

function findCycles(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): string[][] {
  const next = adjacency(nodes, edges);
  const groups = stronglyConnected(
    nodes.map((n) => n.id),
    next,
  ).filter((g) => g.length > 1 || (next.get(g[0]!) ?? []).includes(g[0]!));
  return groups.map((g) => cycleThrough(g, next)).sort((a, b) => compare(a.join(" "), b.join(" ")));
}

/** One warning per cycle: `dependency cycle: a -> b -> a`. */
export function cycleWarnings(graph: DependencyGraph): string[] {
  return graph.cycles.map((c) => `dependency cycle: ${c.join(" -> ")}`);
}

/** The part of the graph within one step of `ids`: those nodes, their consumers and providers, and the edges among them. */
export function neighbourhood(graph: DependencyGraph, ids: ReadonlySet<string>): DependencyGraph {
  const keep = new Set(ids);
  for (const e of graph.edges) {
    if (ids.has(e.from)) keep.add(e.to);
    if (ids.has(e.to)) keep.add(e.from);
  }
  const edges = graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to) && (ids.has(e.from) || ids.has(e.to)));
  return { nodes: graph.nodes.filter((n) => keep.has(n.id)), edges, cycles: graph.cycles.filter((c) => c.every((id) => keep.has(id))) };
}

function endpointLabel(e: GraphEdge): string {
  return e.endpointType !== undefined ? `${e.endpoint} (${e.endpointType} ${e.port})` : e.endpoint;
}

/** How {@link graphMermaid} marks nodes. */
export interface MermaidOptions {
  /** Nodes drawn as changed (the preview's changed components). @default none */
  readonly changed?: ReadonlySet<string>;
  /** Edges drawn as broken, by `from\0to\0endpoint`. @default none */
  readonly broken?: ReadonlySet<string>;
}

/** The key {@link MermaidOptions.broken} names an edge by. */
export function edgeKey(e: Pick<GraphEdge, "from" | "to" | "endpoint">): string {
  return `${e.from}\0${e.to}\0${e.endpoint}`;
}

function mermaidText(text: string): string {
  return text.replace(/"/g, "#quot;");
}

/** A Mermaid flowchart, one subgraph per project (GitHub renders it in a ```mermaid block). */
export function graphMermaid(graph: DependencyGraph, opts: MermaidOptions = {}): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const out = ["flowchart LR"];
  const projects = [...new Set(graph.nodes.map((n) => n.project))].sort(compare);
  projects.forEach((project, p) => {
    out.push(`  subgraph p${p}["${mermaidText(project)}"]`);
    for (const n of graph.nodes.filter((x) => x.project === project)) {
      const label = n.missing ? `${n.id} (not declared)` : n.repo ? `${n.id}<br/>${n.repo}` : n.id;
      out.push(`    ${ids.get(n.id)}["${mermaidText(label)}"]`);
    }
    out.push("  end");
  });
  const broken: number[] = [];
  graph.edges.forEach((e, i) => {
    const isBroken = opts.broken?.has(edgeKey(e)) ?? false;
    if (isBroken) broken.push(i);
    out.push(`  ${ids.get(e.from)} ${isBroken ? "-.->" : "-->"}|"${mermaidText(endpointLabel(e))}"| ${ids.get(e.to)}`);
  });
  const changed = graph.nodes.filter((n) => opts.changed?.has(n.id)).map((n) => ids.get(n.id)!);
  if (changed.length > 0) out.push("  classDef changed stroke:#d97706,stroke-width:3px", `  class ${changed.join(",")} changed`);
  if (broken.length > 0) out.push(`  linkStyle ${broken.join(",")} stroke:#dc2626,stroke-width:2px`);
  return `${out.join("\n")}\n`;
}

function dotText(text: string): string {
  return JSON.stringify(text);
}

/** Graphviz DOT, one cluster per project. */
export function graphDot(graph: DependencyGraph): string {
  const out = ["digraph ferry {", "  rankdir=LR;", "  node [shape=box];"];
  const projects = [...new Set(graph.nodes.map((n) => n.project))].sort(compare);
  projects.forEach((project, p) => {
    out.push(`  subgraph cluster_${p} {`, `    label=${dotText(project)};`);
    for (const n of graph.nodes.filter((x) => x.project === project)) {
      const attrs = [`label=${dotText(n.missing ? `${n.id}\n(not declared)` : n.repo ? `${n.id}\n${n.repo}` : n.id)}`, ...(n.missing ? ["style=dashed"] : [])];
      out.push(`    ${dotText(n.id)} [${attrs.join(", ")}];`);
    }
    out.push("  }");
  });
  for (const e of graph.edges) out.push(`  ${dotText(e.from)} -> ${dotText(e.to)} [label=${dotText(endpointLabel(e))}];`);
  out.push("}");
  return `${out.join("\n")}\n`;
}

/** The graph as JSON text (sorted; the shape `ferry graph --format json` prints). */
export function graphJson(graph: DependencyGraph): string {
  return `${JSON.stringify({ nodes: graph.nodes, edges: graph.edges, cycles: graph.cycles }, null, 2)}\n`;
}
