/**
 * The Preview's "Dependency impact": per environment, what the pull request's endpoint changes do
 * to the components that environment runs, and a Mermaid diagram of the changed components'
 * neighbourhood, as data (presentation/markdown/preview-impact.ts writes the section). Pure.
 *
 * The other repositories' components are the ones the environment runs, read from the release
 * snapshots (`releases/<project>/<component>/<id>.yaml`) the Preview reads anyway; each release
 * records the repository and file it was cut from.
 */
import { catalogKey } from "../../renderers/apps.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { buildGraph, neighbourhood } from "../graph.js";
import { computeImpact, impactDiagnostics } from "../impact.js";
import type { ImpactComponent } from "../impact.js";
import { parseReleaseFile } from "../release/state.js";
import type { EnvironmentImpact, Preview } from "./model.js";

/** Input of {@link environmentImpact}. */
export interface EnvironmentImpactInput {
  /** The environment's release snapshots: path -> text. */
  readonly releaseFiles: ReadonlyMap<string, string>;
  /** `owner/name` of the pull request's repository. */
  readonly repo: string;
  /** `project/component` keys the repository declares at the base or the head. */
  readonly ours: ReadonlySet<string>;
  /** The repository's components at the head. */
  readonly head: readonly ImpactComponent[];
  /** `project/component` keys whose manifests the pull request changes, adds or removes here. */
  readonly changed: ReadonlySet<string>;
}

/** The components release snapshots record, with the repository and file each was cut from. */
export function releaseComponents(releaseFiles: ReadonlyMap<string, string>): ImpactComponent[] {
  const out: ImpactComponent[] = [];
  for (const path of [...releaseFiles.keys()].sort()) {
    const release = parseReleaseFile(releaseFiles.get(path)!);
    if (!release) continue;
    const source = release.metadata.source;
    out.push({ component: release.spec.component, ...(source ? { repo: source.repo, file: source.file } : {}) });
  }
  return out;
}

function keyOf(c: ImpactComponent): string {
  return catalogKey(c.component.metadata.project, c.component.metadata.name);
}

/** Before: what the environment runs. After: the same, with the repository's components replaced by the head's. */
export function environmentImpact(input: EnvironmentImpactInput): EnvironmentImpact {
  const repo = input.repo.toLowerCase();
  const before = releaseComponents(input.releaseFiles);
  const isOurs = (c: ImpactComponent) => input.ours.has(keyOf(c)) || c.repo?.toLowerCase() === repo;
  const oursBefore = before.filter(isOurs).map((c) => ({ ...c, repo: input.repo }));
  const others = before.filter((c) => !isOurs(c));
  const after = [...input.head, ...others];
  const impact = computeImpact([...oursBefore, ...others], after);
  const focus = new Set([...input.changed, ...impact.changes.map((c) => c.provider)]);
  const present = new Set(after.map(keyOf));
  const gone = oursBefore.filter((c) => !present.has(keyOf(c)));
  const graph = neighbourhood(buildGraph([...after, ...gone]), focus);
  return { impact, graph, changed: [...focus].sort(), diagnostics: impactDiagnostics(impact, after) };
}

/** Input of {@link withImpact}: what {@link environmentImpact} needs, the release snapshots per environment. */
export interface PreviewImpactInput extends Omit<EnvironmentImpactInput, "releaseFiles" | "changed"> {
  /** Environment name -> its release snapshots. */
  readonly releaseFiles: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** The preview with each environment's dependency impact; changed components are those not `unchanged`. */
export function withImpact(preview: Preview, input: PreviewImpactInput): Preview {
  return {
    ...preview,
    environments: preview.environments.map((env) => ({
      ...env,
      impact: environmentImpact({
        ...input,
        releaseFiles: input.releaseFiles.get(env.name) ?? new Map(),
        changed: new Set(env.components.filter((c) => c.status !== "unchanged").map((c) => c.key)),
      }),
    })),
  };
}

/** The impact errors of every environment, each once. */
export function impactErrors(preview: Preview): Diagnostic[] {
  const seen = new Map<string, Diagnostic>();
  for (const env of preview.environments) {
    for (const d of env.impact?.diagnostics ?? []) {
      const key = `${d.file}\0${d.line}\0${d.message}`;
      if (!seen.has(key)) seen.set(key, d);
    }
  }
  return [...seen.values()];
}
