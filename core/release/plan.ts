/**
 * Planning a release: which component goes where, how, and with which files. Pure.
 *
 * For each component and each of the pipeline's first environments: unchanged when the
 * environment already runs the release, waiting when the component's build check has not
 * succeeded yet, otherwise rendered and published (a direct commit where the environment
 * auto-merges without approvals, a pull request otherwise). Every component is rendered, the
 * waiting ones too, so bad input fails at once and never half a release lands.
 */
import { toYaml } from "../../renderers/canonical.js";
import type { CelEngine } from "../../renderers/cel.js";
import type { AppComponent, Catalog } from "../../renderers/apps.js";
import { catalogKey } from "../../renderers/apps.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { hasErrors } from "../../renderers/diagnostics.js";
import type { Environment } from "../../renderers/model/index.js";
import type { PlatformBundle } from "../../renderers/platform.js";
import { renderRelease } from "../render.js";
import type { RenderedComponent } from "../render.js";
import { releasePath } from "../../renderers/release.js";
import type { Release } from "../../renderers/release.js";
import { componentTargets, environmentPath, namespaceObject, releaseBranch } from "../gitops/layout.js";
import type { DirectoryChange, PublishRequest } from "../gitops/request.js";
import { NO_RELEASE, TRAILERS } from "../gitops/trailers.js";
import type { EnvironmentState } from "./state.js";
import type { CatalogSource } from "../catalog.js";
import { catalogChanges, catalogRemoval } from "../catalog.js";

/** How a release reaches an environment. */
export type PublishMode = "commit" | "pull-request";

/** Direct commit where the environment auto-merges and needs no approval; a pull request otherwise. */
export function publishMode(env: Environment): PublishMode {
  return env.autoMerge && env.approvals.required === 0 ? "commit" : "pull-request";
}

/** One step of a release plan. */
export type PlanItem =
  | {
      readonly kind: "publish";
      readonly app: AppComponent;
      readonly env: Environment;
      readonly rendered: RenderedComponent;
      readonly current: string | undefined;
      readonly mode: PublishMode;
      /** The platform project's owner, for the catalog. */
      readonly owner?: string;
    }
  | { readonly kind: "unchanged"; readonly app: AppComponent; readonly env: Environment }
  | { readonly kind: "waiting"; readonly app: AppComponent; readonly env: Environment; readonly check: string }
  | {
      readonly kind: "remove";
      readonly project: string;
      readonly component: string;
      readonly env: Environment;
      readonly current: string | undefined;
      readonly mode: PublishMode;
    };

/** A release plan with every diagnostic of every render. */
export interface ReleasePlan {
  readonly items: readonly PlanItem[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Whether a component is released now or waits for a check. */
export type Selection = "release" | { readonly wait: string };

/** Input of {@link planRelease}. */
export interface PlanInput {
  readonly bundle: PlatformBundle;
  readonly components: readonly AppComponent[];
  /** The pipeline's first environments with what they hold now. */
  readonly environments: readonly { readonly env: Environment; readonly state: EnvironmentState }[];
  readonly catalog: Catalog;
  readonly cel: CelEngine;
  /** @default every component is released now */
  readonly select?: (c: AppComponent) => Selection;
  /** Components the app repository stopped declaring (`project/component` keys). @default none */
  readonly removed?: readonly string[];
}

/** Plans a release of an app repository's components; see the module comment. */
export function planRelease(input: PlanInput): ReleasePlan {
  const items: PlanItem[] = [];
  const diagnostics: Diagnostic[] = [];
  const select = input.select ?? (() => "release" as const);
  for (const { env, state } of input.environments) {
    for (const app of input.components) {
      const { project, component, name } = app.release.metadata;
      const current = state.components.get(catalogKey(project, component))?.release;
      if (current === name) {
        items.push({ kind: "unchanged", app, env });
        continue;
      }
      const rendered = renderRelease(app.release, env, input.bundle, input.catalog, input.cel, app.locate);
      diagnostics.push(...rendered.diagnostics);
      if (hasErrors(rendered.diagnostics)) continue;
      const selection = select(app);
      const owner = projectOwner(input.bundle.platform, project);
      if (selection === "release") items.push({ kind: "publish", app, env, rendered, current, mode: publishMode(env), ...(owner ? { owner } : {}) });
      else items.push({ kind: "waiting", app, env, check: selection.wait });
    }
    for (const key of input.removed ?? []) {
      const held = state.components.get(key);
      if (!held) continue;
      items.push({ kind: "remove", project: held.project, component: held.component, env, current: held.release, mode: publishMode(env) });
    }
  }
  return { items, diagnostics };
}

/** The commit a plan item makes in its environment's GitOps repository: the body of its {@link PublishRequest}. */
export interface CommitContent extends Pick<PublishRequest, "changes" | "message"> {
  readonly trailers: Readonly<Record<string, string>>;
  /** Branch for a pull request: `ferry/release/<env>/<project>/<component>`. */
  readonly branch: string;
  readonly title: string;
}

/** Where a plan item's source is: `owner/repo@sha`. */
export interface SourceRef {
  readonly repo: string;
  readonly sha: string;
  /** The GitHub web host, for the catalog's links. @default https://github.com */
  readonly serverUrl?: string;
}

function stripDir(files: ReadonlyMap<string, string>, dir: string): Map<string, string> {
  const prefix = `${dir}/`;
  return new Map([...files].filter(([p]) => p.startsWith(prefix)).map(([p, t]) => [p.slice(prefix.length), t]));
}

/**
 * The directories a release rendered for `env` replaces or adds to in the GitOps repository: the
 * component's directory (pruned) and the project's Namespace file (for an environment on several
 * clusters: in each cluster's folder, core/gitops/layout.ts `componentTargets`), the frozen release file, and the
 * component's Backstage catalog files (core/catalog.ts). Release and promotion commits, and
 * `ferry publish`, write exactly these. `envDir` is the environment's directory in the repository
 * (the CLI may override it); `catalog` names the project's owner and the component's source;
 * `clusters`, for one wave of a promotion into an environment on several clusters, limits the
 * cluster folders written to that wave's (core/promotion/waves.ts). @default every cluster
 */
export function releaseChanges(
  env: Environment,
  release: Release,
  rendered: ReadonlyMap<string, string>,
  envDir: string = environmentPath(env),
  catalog: ReleaseCatalog = {},
  clusters?: readonly string[],
): DirectoryChange[] {
  const { project, component } = release.metadata;
  const releaseFile = releasePath(release);
  const releaseDir = releaseFile.slice(0, releaseFile.lastIndexOf("/"));
  const namespace = toYaml(namespaceObject(env, project));
  return [
    ...componentTargets(env, project, component)
      .filter((t) => !clusters || (t.cluster !== undefined && clusters.includes(t.cluster)))
      .flatMap((t): DirectoryChange[] => {
        const projectDir = t.namespaceFile.slice(0, t.namespaceFile.lastIndexOf("/"));
        return [
          { dir: `${envDir}/${t.dir}`, files: stripDir(rendered, t.dir), prune: true },
          { dir: `${envDir}/${projectDir}`, files: new Map([[t.namespaceFile.slice(projectDir.length + 1), namespace]]), prune: false },
        ];
      }),
    { dir: releaseDir, files: new Map([[releaseFile.slice(releaseDir.length + 1), toYaml(release)]]), prune: false },
    ...catalogChanges({ name: project, owner: catalog.owner }, { component: release.spec.component, ...(catalog.source ? { source: catalog.source } : {}) }),
  ];
}

/** What a release's catalog entities say beyond the release: its project's owner and where its source lives. */
export interface ReleaseCatalog {
  /** The platform project's `owner`. @default unknown */
  readonly owner?: string;
  readonly source?: CatalogSource;
}

/** The owner the platform gives a project. */
export function projectOwner(
  platform: { readonly spec: { readonly projects: readonly { readonly name: string; readonly owner?: string }[] } },
  project: string,
): string | undefined {
  return platform.spec.projects.find((p) => p.name === project)?.owner;
}

/** What publishing a `publish` or `remove` item commits. */
export function commitContent(item: Extract<PlanItem, { kind: "publish" | "remove" }>, source: SourceRef): CommitContent {
  const envDir = environmentPath(item.env);
  const sourceTrailer = `${source.repo}@${source.sha}`;
  if (item.kind === "remove") {
    const title = `ferry: remove ${item.project}/${item.component} from ${item.env.name}`;
    const dirs = componentTargets(item.env, item.project, item.component).map((t): DirectoryChange => ({
      dir: `${envDir}/${t.dir}`,
      files: new Map(),
      prune: true,
    }));
    return {
      changes: [...dirs, catalogRemoval(item.project, item.component)],
      title,
      message: `${title}\n\n${source.repo} no longer declares this component (as of ${source.sha.slice(0, 12)}).`,
      trailers: {
        [TRAILERS.component]: `${item.project}/${item.component}`,
        [TRAILERS.environment]: item.env.name,
        [TRAILERS.release]: NO_RELEASE,
        [TRAILERS.source]: sourceTrailer,
      },
      branch: releaseBranch(item.env.name, item.project, item.component),
    };
  }
  const release: Release = item.app.release;
  const { project, component, name } = release.metadata;
  const title = `ferry: release ${project}/${component} ${name} to ${item.env.name}`;
  const from = item.current ? `replaces ${item.current}` : "first release in this environment";
  return {
    changes: releaseChanges(item.env, release, item.rendered.files, envDir, {
      ...(item.owner ? { owner: item.owner } : {}),
      source: { repo: source.repo, ref: source.sha, ...(source.serverUrl ? { serverUrl: source.serverUrl } : {}) },
    }),
    title,
    message: `${title}\n\nRendered from ${source.repo}@${source.sha.slice(0, 12)} (${from}); ${item.rendered.files.size} manifest(s).`,
    trailers: {
      [TRAILERS.component]: `${project}/${component}`,
      [TRAILERS.environment]: item.env.name,
      [TRAILERS.release]: name,
      [TRAILERS.source]: sourceTrailer,
    },
    branch: releaseBranch(item.env.name, project, component),
  };
}
