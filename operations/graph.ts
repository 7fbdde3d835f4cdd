/** Graph: the dependency graph of app checkouts, shared by `ferry graph` and the MCP tool. */
import { z } from "zod";
import type { Diagnostic } from "../renderers/diagnostics.js";
import { hasErrors } from "../renderers/diagnostics.js";
import { buildGraph, cycleWarnings, graphDot, graphJson, graphMermaid } from "../core/graph.js";
import type { DependencyGraph } from "../core/graph.js";
import { readAppComponents } from "./app-components.js";
import { loadPlatformDir } from "./workspace.js";

export const GRAPH_FORMATS = ["mermaid", "dot", "json"] as const;
export const GraphFormat = z.enum(GRAPH_FORMATS);
export type GraphFormat = z.infer<typeof GraphFormat>;

export const GraphInput = z.object({
  apps: z.array(z.string()).describe("app checkouts holding .ferry/, or directories with apps up to two levels below; none: the current directory"),
  platform: z.string().describe("platform repository checkout (holds .ferry/platform.yaml)"),
  repo: z.string().optional().describe("owner/name of the app (one app directory only); default: its git origin, else its last two path segments"),
});
export type GraphInput = Readonly<z.infer<typeof GraphInput>>;

export interface GraphReport {
  /** No input error. */
  readonly ok: boolean;
  readonly graph: DependencyGraph;
  /** `dependency cycle: a -> b -> a`, one per cycle. */
  readonly warnings: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Builds the graph of every component the app checkouts declare. */
export function graphWorkspace(input: GraphInput): GraphReport {
  const diagnostics: Diagnostic[] = [];
  loadPlatformDir(input.platform, diagnostics);
  const graph = buildGraph(readAppComponents(input.apps, input.repo, diagnostics));
  return { ok: !hasErrors(diagnostics), graph, warnings: cycleWarnings(graph), diagnostics };
}

/** The graph in one of {@link GRAPH_FORMATS}. */
export function formatGraph(graph: DependencyGraph, format: GraphFormat): string {
  return format === "json" ? graphJson(graph) : format === "dot" ? graphDot(graph) : graphMermaid(graph);
}
