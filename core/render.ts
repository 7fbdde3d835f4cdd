/**
 * Rendering releases into manifests: compile, check policies, serialize. Pure: the same inputs
 * always give byte-identical files.
 */
import { toYaml } from "../renderers/canonical.js";
import type { CelEngine } from "../renderers/cel.js";
import { CompileCache } from "../renderers/compile/cache.js";
import { compileComponent } from "../renderers/compile/component.js";
import type { Diagnostic } from "../renderers/diagnostics.js";
import { fileError, hasErrors, mergeAcrossEnvironments } from "../renderers/diagnostics.js";
import type { AppComponent, Catalog } from "../renderers/apps.js";
import { resolveDependencies } from "../renderers/apps.js";
import type { Environment } from "../renderers/model/index.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { namespaceFor } from "../renderers/model/index.js";
import { releasePath } from "../renderers/release.js";
import type { Release } from "../renderers/release.js";
import type { K8sObject, Locator } from "../renderers/types.js";
import { checkPolicies } from "../policies/index.js";
import { componentDir, componentTargets, environmentFolders, defaultEnvironmentPath, namespaceFile, namespaceObject, objectFileName } from "./gitops/layout.js";

/** One release rendered for one environment. */
export interface RenderedComponent {
  readonly release: Release;
  readonly environment: string;
  readonly namespace: string;
  /** The rendered objects; for an environment on several clusters, every cluster's in turn (see `clusters`). */
  readonly objects: readonly K8sObject[];
  /** For an environment on several clusters: each cluster's objects, by cluster name. Absent for one on a single cluster. */
  readonly clusters?: readonly RenderedCluster[];
  /**
   * Files relative to the environment's directory: `<project>/<component>/<kind>-<name>.yaml`, or
   * `<cluster>/<project>/<component>/<kind>-<name>.yaml` for an environment on several clusters
   * (core/gitops/layout.ts `componentTargets`).
   */
  readonly files: ReadonlyMap<string, string>;
  /** Compile errors and policy findings (errors and warnings). */
  readonly diagnostics: readonly Diagnostic[];
}

/** One cluster's share of a release rendered for an environment on several clusters. */
export interface RenderedCluster {
  readonly cluster: string;
  readonly objects: readonly K8sObject[];
}

/** How a render runs. */
export interface RenderOptions {
  /**
   * Serialise the objects into YAML files. Validation needs only the diagnostics (file names are
   * still checked for clashes) and leaves the files out.
   * @default true
   */
  readonly serialize?: boolean;
  /**
   * The namespace each dependency (`project`, `component`) runs in; a preview points its unchanged
   * dependencies at the environment it comes from.
   * @default the environment's namespace of the dependency's project
   */
  readonly dependencyNamespace?: (project: string, component: string) => string;
  /**
   * Render once, into `<project>/<component>/` without a cluster folder (a preview environment):
   * for an environment on several clusters, as `cluster` (with its per-cluster overrides).
   * @default once per folder of the environment (core/gitops/layout.ts `componentTargets`)
   */
  readonly single?: { readonly cluster?: string };
  /**
   * Render pull request `preview`'s preview environment: every object and pod template carries
   * `ferry.dev/preview: "<n>"` (renderers/types.ts CompileInput `preview`).
   * @default an environment's own render: no object carries that label
   */
  readonly preview?: number;
}

/**
 * Renders one release for one environment and checks the platform's policies on the result: once,
 * or for an environment on several clusters once per cluster with that cluster's overrides, into
 * the folders core/gitops/layout.ts `componentTargets` names.
 */
export function renderRelease(
  release: Release,
  env: Environment,
  bundle: PlatformBundle,
  catalog: Catalog,
  cel: CelEngine,
  locate?: Locator,
  cache: CompileCache = new CompileCache(),
  opts: RenderOptions = {},
): RenderedComponent {
  const serialize = opts.serialize ?? true;
  const { project, component } = release.metadata;
  const namespace = namespaceFor(env, project);
  const dependencies = resolveDependencies(release.spec.component, env, catalog, opts.dependencyNamespace);
  const diagnostics: Diagnostic[] = [];
  const objects: K8sObject[] = [];
  const clusters: RenderedCluster[] = [];
  const files = new Map<string, string>();
  const single = opts.single;
  const targets = single
    ? [{ ...(single.cluster !== undefined ? { cluster: single.cluster } : {}), dir: componentDir(project, component), namespaceFile: namespaceFile(project) }]
    : componentTargets(env, project, component);
  for (const target of targets) {
    const compiled = compileComponent({
      release,
      platform: bundle.platform,
      environment: env,
      ...(target.cluster !== undefined ? { cluster: target.cluster } : {}),
      ...(opts.preview !== undefined ? { preview: opts.preview } : {}),
      namespace,
      dependencies,
      cel,
      locate,
      cache,
    });
    const found: Diagnostic[] = [...compiled.diagnostics];
    const outputPath = (obj: K8sObject) => `${target.dir}/${objectFileName(obj)}`;
    if (!hasErrors(compiled.diagnostics)) {
      found.push(
        ...checkPolicies({
          objects: compiled.objects,
          release,
          environment: env,
          platform: bundle.platform,
          platformSource: bundle.platformSource,
          policies: bundle.policies,
          cel,
          namespace,
          locate,
          outputPath,
          checkSettings: false,
        }),
      );
    }
    if (!hasErrors(found)) {
      for (const obj of compiled.objects) {
        const path = outputPath(obj);
        if (files.has(path)) {
          found.push(
            fileError(path, "render/duplicate", `two rendered objects share the file name ${path} (${obj.kind}/${obj.metadata.name})`, {
              component: `${project}/${component}`,
              environment: env.name,
            }),
          );
        }
        files.set(path, serialize ? toYaml(obj) : "");
      }
    }
    diagnostics.push(...found);
    objects.push(...compiled.objects);
    if (target.cluster !== undefined) clusters.push({ cluster: target.cluster, objects: compiled.objects });
  }
  if (!serialize) files.clear();
  return {
    release,
    environment: env.name,
    namespace,
    objects,
    ...(clusters.length > 0 ? { clusters } : {}),
    files: hasErrors(diagnostics) ? new Map() : files,
    // Each cluster's render finds the same problems of the component once more: say each once.
    diagnostics: targets.length > 1 ? mergeAcrossEnvironments(diagnostics) : diagnostics,
  };
}

/** Everything a render of several apps over several environments produced. */
export interface RenderResult {
  readonly releases: readonly Release[];
  readonly rendered: readonly RenderedComponent[];
  /** Output tree: `releases/...` and `environments/<env>/...` paths → file content. */
  readonly files: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Renders every component for every selected environment into one tree (the CLI's `--out`
 * layout). Files are only produced when nothing has errors, so callers never write half a tree.
 */
export function renderApps(
  bundle: PlatformBundle,
  components: readonly AppComponent[],
  catalog: Catalog,
  environments: readonly Environment[],
  cel: CelEngine,
  opts: RenderOptions = {},
): RenderResult {
  const serialize = opts.serialize ?? true;
  const diagnostics: Diagnostic[] = [];
  const rendered: RenderedComponent[] = [];
  const files = new Map<string, string>();
  const cache = new CompileCache(); // schemas and templates compiled once for the whole run
  for (const c of components) {
    if (serialize) files.set(releasePath(c.release), toYaml(c.release));
  }
  for (const env of environments) {
    const projects = new Set<string>();
    for (const c of components) {
      const r = renderRelease(c.release, env, bundle, catalog, cel, c.locate, cache, opts);
      rendered.push(r);
      diagnostics.push(...r.diagnostics);
      projects.add(c.release.metadata.project);
      for (const [path, content] of r.files) files.set(`${defaultEnvironmentPath(env.name)}/${path}`, content);
    }
    for (const project of serialize ? [...projects].sort() : []) {
      for (const { prefix } of environmentFolders(env)) {
        files.set(`${defaultEnvironmentPath(env.name)}/${prefix}${namespaceFile(project)}`, toYaml(namespaceObject(env, project)));
      }
    }
  }
  const ok = !hasErrors(diagnostics);
  return {
    releases: components.map((c) => c.release),
    rendered,
    files: ok ? new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : new Map(),
    diagnostics: mergeAcrossEnvironments(diagnostics),
  };
}
