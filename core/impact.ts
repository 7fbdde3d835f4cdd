/**
 * The impact of a change on the components that consume what it changes. Pure.
 *
 * Compares each component's endpoints before and after the change and names every endpoint the
 * change removes, renames (gone, and a new endpoint of the same type and port appeared), retypes,
 * moves to another port, or hides from a consumer by visibility; then lists the components that
 * still consume it after the change. A consumer in another repository than the changed component
 * cannot be fixed by the same change: removing, renaming or hiding what it uses is an error.
 */
import { catalogKey } from "../renderers/apps.js";
import type { Diagnostic } from "../renderers/diagnostics.js";
import type { Component, Endpoint } from "../renderers/model/index.js";
import type { Locator } from "../renderers/types.js";

/** A component on one side of the change, with where it is declared when known. */
export interface ImpactComponent {
  readonly component: Component;
  /** `owner/name` of the app repository declaring it; unknown counts as another repository. */
  readonly repo?: string;
  /** The file declaring it, when no locator is at hand (e.g. read from a release snapshot). */
  readonly file?: string;
  /** Locates fields of its document (file, line, column), when its source is at hand. */
  readonly locate?: Locator;
}

/** What happens to an endpoint. */
export type EndpointChangeKind = "removed" | "renamed" | "retyped" | "port" | "hidden";

/** The kinds that leave a consumer's dependency unresolvable. */
export const BREAKING_KINDS: ReadonlySet<EndpointChangeKind> = new Set(["removed", "renamed", "hidden"]);

/** One endpoint change; `from`/`to` are the old and new name, type, port or visibility. */
export interface EndpointChange {
  readonly kind: EndpointChangeKind;
  /** `<project>/<component>` declaring the endpoint. */
  readonly provider: string;
  readonly endpoint: string;
  readonly from?: string;
  readonly to?: string;
}

/** Where a consumer declares the dependency. */
export interface DeclaredAt {
  readonly file?: string;
  /** 1-based; 0 when unknown. */
  readonly line: number;
  readonly column: number;
  /** `spec.dependencies[i]`. */
  readonly field: string;
}

/** A consumer the change reaches. */
export interface AffectedConsumer {
  readonly change: EndpointChange;
  /** `<project>/<component>` consuming the endpoint. */
  readonly consumer: string;
  readonly repo?: string;
  readonly at: DeclaredAt;
  /** The consumer lives in another repository than the provider (or either is unknown). */
  readonly otherRepository: boolean;
  /** The change leaves this consumer's dependency broken and it is in another repository. */
  readonly breaking: boolean;
}

export interface Impact {
  /** Sorted by provider, endpoint, kind. */
  readonly changes: readonly EndpointChange[];
  /** Sorted by provider, endpoint, kind, consumer. */
  readonly affected: readonly AffectedConsumer[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function keyOf(c: Component): string {
  return catalogKey(c.metadata.project, c.metadata.name);
}

function index(components: readonly ImpactComponent[]): Map<string, ImpactComponent> {
  const out = new Map<string, ImpactComponent>();
  for (const c of components) if (!out.has(keyOf(c.component))) out.set(keyOf(c.component), c);
  return out;
}

/** Whether a component of `consumerProject` may reach the endpoint (the rule dependency checks use). */
export function visibleTo(endpoint: Endpoint, consumerProject: string, providerProject: string): boolean {
  return consumerProject === providerProject
    ? endpoint.visibility.some((v) => v === "project" || v === "organization")
    : endpoint.visibility.includes("organization");
}

function sameRepo(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** The endpoint changes of one component, visibility aside. */
function endpointChanges(provider: string, before: Component, after: Component | undefined): EndpointChange[] {
  const now = after?.spec.endpoints ?? {};
  const was = before.spec.endpoints;
  const fresh = Object.keys(now)
    .filter((n) => !(n in was))
    .sort(compare);
  const out: EndpointChange[] = [];
  for (const name of Object.keys(was).sort(compare)) {
    const old = was[name]!;
    const next = now[name];
    if (!next) {
      const renamed = fresh.find((n) => now[n]!.type === old.type && now[n]!.port === old.port);
      out.push(renamed !== undefined ? { kind: "renamed", provider, endpoint: name, from: name, to: renamed } : { kind: "removed", provider, endpoint: name });
      continue;
    }
    if (next.type !== old.type) out.push({ kind: "retyped", provider, endpoint: name, from: old.type, to: next.type });
    if (next.port !== old.port) out.push({ kind: "port", provider, endpoint: name, from: String(old.port), to: String(next.port) });
    const lost = old.visibility.filter((v) => !next.visibility.includes(v));
    if (lost.length > 0) out.push({ kind: "hidden", provider, endpoint: name, from: old.visibility.join(", "), to: next.visibility.join(", ") || "none" });
  }
  return out;
}

function declaredAt(consumer: ImpactComponent, i: number): DeclaredAt {
  const field = `spec.dependencies[${i}]`;
  if (consumer.locate) {
    const at = consumer.locate(["spec", "dependencies", i, "endpoint"]);
    return { file: at.file, line: at.line, column: at.column, field };
  }
  return { ...(consumer.file !== undefined ? { file: consumer.file } : {}), line: 0, column: 0, field };
}

/** Compares two sides of a change; consumers are taken from `after` (what still consumes). */
export function computeImpact(before: readonly ImpactComponent[], after: readonly ImpactComponent[]): Impact {
  const was = index(before);
  const now = index(after);
  const changes: EndpointChange[] = [];
  for (const [key, b] of [...was].sort(([x], [y]) => compare(x, y))) changes.push(...endpointChanges(key, b.component, now.get(key)?.component));
  changes.sort((a, b) => compare(a.provider, b.provider) || compare(a.endpoint, b.endpoint) || compare(a.kind, b.kind));

  const affected: AffectedConsumer[] = [];
  for (const change of changes) {
    const provider = was.get(change.provider)!;
    const providerProject = provider.component.metadata.project;
    const oldEndpoint = provider.component.spec.endpoints[change.endpoint]!;
    const newEndpoint = now.get(change.provider)?.component.spec.endpoints[change.endpoint];
    for (const [key, consumer] of now) {
      if (key === change.provider) continue;
      const c = consumer.component;
      c.spec.dependencies.forEach((dep, i) => {
        if (catalogKey(dep.project ?? c.metadata.project, dep.component) !== change.provider || dep.endpoint !== change.endpoint) return;
        if (change.kind === "hidden") {
          const lost =
            visibleTo(oldEndpoint, c.metadata.project, providerProject) && newEndpoint && !visibleTo(newEndpoint, c.metadata.project, providerProject);
          if (!lost) return;
        }
        const otherRepository = !sameRepo(consumer.repo, provider.repo);
        affected.push({
          change,
          consumer: key,
          ...(consumer.repo !== undefined ? { repo: consumer.repo } : {}),
          at: declaredAt(consumer, i),
          otherRepository,
          breaking: otherRepository && BREAKING_KINDS.has(change.kind),
        });
      });
    }
  }
  // A visibility change nobody loses access through is no impact worth naming.
  const kept = changes.filter((ch) => ch.kind !== "hidden" || affected.some((a) => a.change === ch));
  affected.sort(
    (a, b) =>
      compare(a.change.provider, b.change.provider) ||
      compare(a.change.endpoint, b.change.endpoint) ||
      compare(a.change.kind, b.change.kind) ||
      compare(a.consumer, b.consumer) ||
      compare(a.at.field, b.at.field),
  );
  return { changes: kept, affected };
}

/** The change in words: `endpoint http of shop/api is removed`. */
export function describeChange(c: EndpointChange): string {
  const what = `endpoint ${c.endpoint} of ${c.provider}`;
  switch (c.kind) {
    case "removed":
      return `${what} is removed`;
    case "renamed":
      return `${what} is renamed to ${c.to}`;
    case "retyped":
      return `${what} changes type from ${c.from} to ${c.to}`;
    case "port":
      return `${what} moves from port ${c.from} to ${c.to}`;
    case "hidden":
      return `${what} is hidden by visibility (${c.from} -> ${c.to})`;
  }
}

/** `pay/ledger (acme/pay, .ferry/ledger.yaml:12)`. */
export function describeConsumer(a: AffectedConsumer): string {
  const where = a.at.file !== undefined ? (a.at.line > 0 ? `${a.at.file}:${a.at.line}` : a.at.file) : undefined;
  const parts = [a.repo ?? "repository unknown", ...(where ? [where] : [])];
  return `${a.consumer} (${parts.join(", ")})`;
}

/**
 * One error per consumer in another repository whose dependency the change breaks, located at the
 * provider's endpoints when its source is at hand (the file the change edits), else at the consumer.
 */
export function impactDiagnostics(impact: Impact, after: readonly ImpactComponent[]): Diagnostic[] {
  const now = index(after);
  return impact.affected
    .filter((a) => a.breaking)
    .map((a) => {
      const provider = now.get(a.change.provider);
      const at = provider?.locate?.(["spec", "endpoints"]) ?? provider?.locate?.(["spec"]);
      const file = at?.file ?? a.at.file ?? a.consumer;
      return {
        severity: "error",
        file,
        line: at?.line ?? (file === a.at.file ? a.at.line : 0),
        column: at?.column ?? (file === a.at.file ? a.at.column : 0),
        field: at ? "spec.endpoints" : "",
        code: `impact/${a.change.kind}`,
        component: a.change.provider,
        message: `${describeChange(a.change)}, but ${describeConsumer(a)} still consumes it (${a.at.field})`,
      };
    });
}
