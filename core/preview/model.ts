/**
 * The preview of an app pull request: for every environment, what each component's manifests
 * would become compared with what the environment holds now, and the policy results. Pure.
 */
import type { AppComponent, Catalog } from "../../renderers/apps.js";
import { catalogKey } from "../../renderers/apps.js";
import type { CelEngine } from "../../renderers/cel.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { hasErrors } from "../../renderers/diagnostics.js";
import { diffTrees } from "../../renderers/diff.js";
import type { TreeDiff } from "../../renderers/diff.js";
import type { Environment } from "../../renderers/model/index.js";
import type { PlatformBundle } from "../../renderers/platform.js";
import { compareCost, estimateCost, objectsFromFiles } from "../cost.js";
import type { CostComparison } from "../cost.js";
import type { DependencyGraph } from "../graph.js";
import type { Impact } from "../impact.js";
import { renderRelease } from "../render.js";
import { publishMode } from "../release/plan.js";
import type { PublishMode } from "../release/plan.js";
import type { EnvironmentState } from "../release/state.js";
import { deployedFiles } from "../release/state.js";

/** How a component's manifests in an environment would change. */
export type ChangeStatus = "added" | "changed" | "unchanged" | "removed" | "invalid";

/** One component in one environment. */
export interface ComponentPreview {
  /** `project/component`. */
  readonly key: string;
  readonly status: ChangeStatus;
  /** The release the pull request would cut (absent for removals). */
  readonly release: string | undefined;
  /** The release the environment runs now. */
  readonly current: string | undefined;
  /** Files relative to the environment's directory. */
  readonly diff: TreeDiff;
  /** Compile errors and policy findings for this component in this environment. */
  readonly diagnostics: readonly Diagnostic[];
  /** Monthly cost of what the environment holds against what the pull request renders (absent when invalid). */
  readonly cost?: CostComparison;
}

/** The impact of the pull request on one environment (computed in `impact.ts`). */
export interface EnvironmentImpact {
  readonly impact: Impact;
  /** The changed components and their consumers and providers, after the change. */
  readonly graph: DependencyGraph;
  /** `project/component` keys the pull request changes here. */
  readonly changed: readonly string[];
  /** Errors for consumers in other repositories the change breaks. */
  readonly diagnostics: readonly Diagnostic[];
}

/** One environment. */
export interface EnvironmentPreview {
  readonly name: string;
  readonly production: boolean;
  readonly mode: PublishMode;
  readonly components: readonly ComponentPreview[];
  /** What the change does to the components consuming its endpoints (see `impact.ts`). */
  readonly impact?: EnvironmentImpact;
}

/** The whole preview. */
export interface Preview {
  readonly environments: readonly EnvironmentPreview[];
}

/** Input of {@link buildPreview}. */
export interface PreviewInput {
  readonly bundle: PlatformBundle;
  readonly components: readonly AppComponent[];
  /** `project/component` keys the pull request stops declaring. @default none */
  readonly removed?: readonly string[];
  readonly environments: readonly { readonly env: Environment; readonly state: EnvironmentState }[];
  readonly catalog: Catalog;
  readonly cel: CelEngine;
}

const EMPTY: ReadonlyMap<string, string> = new Map();

/** Renders every component for every environment and compares with what each holds. */
export function buildPreview(input: PreviewInput): Preview {
  const pricing = input.bundle.platform.spec.pricing;
  const costOf = (files: ReadonlyMap<string, string>) => estimateCost(objectsFromFiles(files).objects, pricing);
  const environments = input.environments.map(({ env, state }): EnvironmentPreview => {
    const components: ComponentPreview[] = [];
    for (const app of input.components) {
      const { project, component, name } = app.release.metadata;
      const key = catalogKey(project, component);
      const before = deployedFiles(state, project, component);
      const current = state.components.get(key)?.release;
      const rendered = renderRelease(app.release, env, input.bundle, input.catalog, input.cel, app.locate);
      if (hasErrors(rendered.diagnostics)) {
        components.push({ key, status: "invalid", release: name, current, diff: diffTrees(before, before), diagnostics: rendered.diagnostics });
        continue;
      }
      const diff = diffTrees(before, rendered.files);
      const status: ChangeStatus = before.size === 0 ? "added" : diff.changes.length === 0 ? "unchanged" : "changed";
      const cost = compareCost(costOf(before), estimateCost(rendered.objects, pricing));
      components.push({ key, status, release: name, current, diff, diagnostics: rendered.diagnostics, cost });
    }
    for (const key of input.removed ?? []) {
      const held = state.components.get(key);
      if (!held) continue;
      const cost = compareCost(costOf(held.files), costOf(EMPTY));
      components.push({ key, status: "removed", release: undefined, current: held.release, diff: diffTrees(held.files, EMPTY), diagnostics: [], cost });
    }
    return { name: env.name, production: env.production, mode: publishMode(env), components };
  });
  return { environments };
}
