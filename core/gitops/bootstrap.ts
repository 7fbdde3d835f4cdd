/**
 * Bootstrap objects for the appliers: what to apply once to a cluster so that Argo CD or Flux
 * deploys what Ferry publishes to each environment's GitOps path. Pure: environments in, plain
 * Kubernetes objects out (serialize them with renderers/canonical `toYaml`).
 *
 * - Argo CD: one ApplicationSet whose list generator has one element per environment (repo,
 *   branch, path), giving one Application per environment: directory recursion, automated sync
 *   with prune and self-heal, namespaces created and labelled `ferry.dev/managed: "true"`.
 * - Flux: for one environment, a GitRepository (source.toolkit.fluxcd.io/v1) and a Kustomization
 *   (kustomize.toolkit.fluxcd.io/v1) with prune on.
 *
 * An environment on several clusters (`clusters`) gets one Application (Argo CD: a second
 * ApplicationSet, {@link argoClusterApplicationSet}, whose elements are the clusters) or one Flux
 * Kustomization per cluster, each applying its cluster's folder `<path>/<cluster>` to that cluster:
 * Argo CD's destination is the cluster registered under its kubeconfig context's name (as
 * `argocd cluster add <context>` names it), Flux's the kubeconfig in the Secret `<cluster>-kubeconfig`
 * (key `value`, as Cluster API writes it) beside the Kustomization. An environment on one cluster
 * comes out as it always did.
 *
 * Previews (`spec.previews`) live in `previews/pr-<number>/` at the root of the `from` environment's
 * GitOps branch, outside every environment's path, so the objects above never apply them; they get
 * their own, on the cluster that runs the previews:
 * - Argo CD: an ApplicationSet `<name>-previews` whose git directory generator lists `previews/pr-*`,
 *   one Application per preview (`ferry-<env>-pr-<number>`), {@link argoPreviewApplicationSet}. One
 *   Application per preview keeps each pull request's sync and health its own (one broken preview
 *   fails only its own sync), and when Ferry deletes a preview's folder the generator drops its
 *   Application, whose resources finalizer deletes what it applied, namespace included.
 * - Flux: a GitRepository `ferry-<env>-previews` whose artifact holds only `previews/` (`spec.ignore`)
 *   and one pruning Kustomization over the artifact's root, {@link fluxPreviewObjects}. Flux cannot
 *   grow one Kustomization per preview from a directory, and a Kustomization whose `path` is gone
 *   fails without pruning: applying the artifact's root, which always exists, prunes the last
 *   preview's objects when its folder is deleted.
 */
import { z } from "zod";
import { formatPath } from "../../renderers/diagnostics.js";
import { DnsLabel } from "../../renderers/model/common.js";
import { PREVIEW_LABEL_KEY, PREVIEWS_ROOT } from "../preview-env/layout.js";
import { environmentFolders, environmentPath, LABELS } from "./layout.js";
import { BranchName, RepoPath } from "./names.js";

/** The part of a Platform environment bootstrap needs (a renderers Environment fits). */
export const BootstrapEnvironment = z.object({
  name: DnsLabel,
  gitops: z.object({
    /** `owner/name` (or a clone URL), turned into a URL by the resolver. */
    repo: z.string().min(1),
    branch: BranchName,
    /** @default environments/<name> */
    path: RepoPath.optional(),
  }),
  /** An environment on several clusters: one Application or Kustomization per cluster. */
  clusters: z.array(z.object({ name: DnsLabel, context: z.string().min(1) })).optional(),
});
export type BootstrapEnvironment = z.infer<typeof BootstrapEnvironment>;

/** Turns an environment's `gitops.repo` into the URL the applier clones. */
export type RepoUrlResolver = (repo: string) => string;

/** `owner/name` → `https://github.com/owner/name.git`; URLs are kept as they are. */
export function githubRepoUrl(repo: string, base = "https://github.com"): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) ? repo : `${base.replace(/\/+$/, "")}/${repo}.git`;
}

/** Where an environment's Application deploys to. */
export interface ArgoDestination {
  /** Cluster API URL. @default https://kubernetes.default.svc (when `name` is not given) */
  readonly server?: string;
  /** Cluster name registered in Argo CD (instead of `server`). */
  readonly name?: string;
  /** Namespace for objects without one; created with the managed label. @default `ferry-<env>` */
  readonly namespace?: string;
}

/** Options of {@link argoApplicationSet}. */
export interface ArgoOptions {
  /** @default githubRepoUrl */
  readonly resolveRepo?: RepoUrlResolver;
  /** ApplicationSet name. @default "ferry" */
  readonly name?: string;
  /** Namespace Argo CD runs in. @default "argocd" */
  readonly namespace?: string;
  /** Argo CD AppProject of the Applications. @default "default" */
  readonly project?: string;
  /** @default in-cluster, namespace `ferry-<env>` */
  readonly destination?: (env: BootstrapEnvironment) => ArgoDestination;
}

/** Options of {@link fluxObjects}. */
export interface FluxOptions {
  /** @default githubRepoUrl */
  readonly resolveRepo?: RepoUrlResolver;
  /** Namespace Flux runs in. @default "flux-system" */
  readonly namespace?: string;
  /** How often Flux polls the repository. @default "1m" */
  readonly interval?: string;
  /** How often Flux re-applies the path. @default "10m" */
  readonly reconcileInterval?: string;
  /** Secret with the credentials for a private repository. @default none */
  readonly secretName?: string;
}

/** Checks environments, reporting every problem in one error. */
function parseEnvironments(envs: readonly unknown[]): BootstrapEnvironment[] {
  const problems: string[] = [];
  const out: BootstrapEnvironment[] = [];
  envs.forEach((env, i) => {
    const res = BootstrapEnvironment.safeParse(env);
    if (res.success) out.push(res.data);
    else
      for (const issue of res.error.issues)
        problems.push(`environments[${i}].${formatPath(issue.path.filter((p) => typeof p !== "symbol"))}: ${issue.message}`);
  });
  const names = out.map((e) => e.name);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) problems.push(`environment ${dup} is listed twice`);
  if (envs.length === 0) problems.push("no environments given");
  if (problems.length > 0) throw new Error(`cannot bootstrap: ${problems.join("; ")}`);
  return out;
}

/** The label naming the cluster on the bootstrap objects of an environment on several clusters. */
export const CLUSTER_LABEL = "ferry.dev/cluster";

function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Whether an environment spans several clusters (and so gets one Application or Kustomization per cluster). */
export function onSeveralClusters(env: Pick<BootstrapEnvironment, "clusters">): boolean {
  return (env.clusters?.length ?? 0) > 0;
}

/** One cluster of an environment on several: its folder (`<path>/<cluster>`) and kubeconfig context. */
function clusterTargets(env: BootstrapEnvironment): { cluster: string; context: string; path: string }[] {
  const contexts = new Map((env.clusters ?? []).map((c) => [c.name, c.context]));
  return environmentFolders(env).flatMap(({ cluster, prefix }) =>
    cluster === undefined ? [] : [{ cluster, context: contexts.get(cluster) ?? cluster, path: `${environmentPath(env)}/${prefix.slice(0, -1)}` }],
  );
}

/**
 * Argo CD's objects for `environments`: {@link argoApplicationSet} for the environments on one
 * cluster, {@link argoClusterApplicationSet} for those on several, each when there is any.
 */
export function argoObjects(environments: readonly BootstrapEnvironment[], opts: ArgoOptions = {}) {
  const envs = parseEnvironments(environments);
  const single = envs.filter((e) => !onSeveralClusters(e));
  const several = envs.filter(onSeveralClusters);
  return [...(single.length > 0 ? [argoApplicationSet(single, opts)] : []), ...(several.length > 0 ? [argoClusterApplicationSet(several, opts)] : [])];
}

/** What every Application Ferry bootstraps syncs by: automated, pruning, self-healing, its namespace created and labelled. */
function argoSyncPolicy() {
  return {
    automated: { prune: true, selfHeal: true },
    syncOptions: ["CreateNamespace=true"],
    managedNamespaceMetadata: { labels: { [LABELS.managed]: "true" } },
  };
}
/**
 * An Argo CD ApplicationSet with one Application per cluster of environments on several clusters
 * (`ferry-<env>-<cluster>`, named `<name>-clusters`): each applies `<path>/<cluster>` to the cluster Argo CD
 * knows by the cluster's kubeconfig context.
 */
export function argoClusterApplicationSet(environments: readonly BootstrapEnvironment[], opts: Omit<ArgoOptions, "destination"> = {}) {
  const envs = parseEnvironments(environments);
  const flat = envs.filter((e) => !onSeveralClusters(e)).map((e) => e.name);
  if (flat.length > 0) throw new Error(`cannot bootstrap: ${flat.join(", ")} run on one cluster: argoApplicationSet serves them`);
  const resolve = opts.resolveRepo ?? ((r: string) => githubRepoUrl(r));
  const elements = [...envs].sort(byName).flatMap((env) =>
    clusterTargets(env).map((t) => ({
      cluster: t.cluster,
      clusterName: t.context,
      environment: env.name,
      namespace: `ferry-${env.name}`,
      path: t.path,
      repoURL: resolve(env.gitops.repo),
      revision: env.gitops.branch,
    })),
  );
  return {
    apiVersion: "argoproj.io/v1alpha1" as const,
    kind: "ApplicationSet" as const,
    metadata: { name: `${opts.name ?? "ferry"}-clusters`, namespace: opts.namespace ?? "argocd", labels: { [LABELS.managed]: "true" } },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [{ list: { elements } }],
      template: {
        metadata: {
          name: "ferry-{{.environment}}-{{.cluster}}",
          labels: { [LABELS.managed]: "true", [LABELS.environment]: "{{.environment}}", [CLUSTER_LABEL]: "{{.cluster}}" },
        },
        spec: {
          project: opts.project ?? "default",
          source: { repoURL: "{{.repoURL}}", targetRevision: "{{.revision}}", path: "{{.path}}", directory: { recurse: true } },
          destination: { name: "{{.clusterName}}", namespace: "{{.namespace}}" },
          syncPolicy: argoSyncPolicy(),
        },
      },
    },
  };
}

/** An Argo CD ApplicationSet (argoproj.io/v1alpha1) with one Application per environment (on one cluster each). */
export function argoApplicationSet(environments: readonly BootstrapEnvironment[], opts: ArgoOptions = {}) {
  const envs = parseEnvironments(environments);
  const several = envs.filter(onSeveralClusters).map((e) => e.name);
  if (several.length > 0)
    throw new Error(`cannot bootstrap: ${several.join(", ")} run on several clusters: argoClusterApplicationSet (or argoObjects) serves them`);
  const resolve = opts.resolveRepo ?? ((r: string) => githubRepoUrl(r));
  const destination: (env: BootstrapEnvironment) => ArgoDestination = opts.destination ?? (() => ({}));
  const elements = [...envs].sort(byName).map((env) => {
    const d = destination(env);
    return {
      environment: env.name,
      namespace: d.namespace ?? `ferry-${env.name}`,
      path: environmentPath(env),
      repoURL: resolve(env.gitops.repo),
      revision: env.gitops.branch,
      ...(d.name ? { clusterName: d.name } : { server: d.server ?? "https://kubernetes.default.svc" }),
    };
  });
  const clusterByName = elements.some((e) => "clusterName" in e);
  if (clusterByName && !elements.every((e) => "clusterName" in e)) {
    throw new Error("cannot bootstrap: give every environment's destination a cluster name, or none (one ApplicationSet template serves all)");
  }
  return {
    apiVersion: "argoproj.io/v1alpha1" as const,
    kind: "ApplicationSet" as const,
    metadata: { name: opts.name ?? "ferry", namespace: opts.namespace ?? "argocd", labels: { [LABELS.managed]: "true" } },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [{ list: { elements } }],
      template: {
        metadata: {
          name: "ferry-{{.environment}}",
          labels: { [LABELS.managed]: "true", [LABELS.environment]: "{{.environment}}" },
        },
        spec: {
          project: opts.project ?? "default",
          source: { repoURL: "{{.repoURL}}", targetRevision: "{{.revision}}", path: "{{.path}}", directory: { recurse: true } },
          destination: clusterByName ? { name: "{{.clusterName}}", namespace: "{{.namespace}}" } : { server: "{{.server}}", namespace: "{{.namespace}}" },
          syncPolicy: argoSyncPolicy(),
        },
      },
    },
  };
}

/** The Flux GitRepository of `env`'s GitOps branch, named and labelled by `metadata`; `ignore` keeps only part of the artifact. */
function fluxGitRepository(
  env: BootstrapEnvironment,
  metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> },
  opts: FluxOptions,
  ignore?: string,
) {
  const resolve = opts.resolveRepo ?? ((r: string) => githubRepoUrl(r));
  return {
    apiVersion: "source.toolkit.fluxcd.io/v1" as const,
    kind: "GitRepository" as const,
    metadata,
    spec: {
      interval: opts.interval ?? "1m",
      url: resolve(env.gitops.repo),
      ref: { branch: env.gitops.branch },
      ...(ignore === undefined ? {} : { ignore }),
      ...(opts.secretName ? { secretRef: { name: opts.secretName } } : {}),
    },
  };
}

/**
 * A Flux GitRepository and Kustomization (prune on) applying one environment's path; for an environment
 * on several clusters, one Kustomization per cluster (`ferry-<env>-<cluster>`) applying its folder
 * with the kubeconfig of the Secret `<cluster>-kubeconfig`.
 */
export function fluxObjects(environment: BootstrapEnvironment, opts: FluxOptions = {}) {
  const [env] = parseEnvironments([environment]);
  if (!env) throw new Error("cannot bootstrap: no environment");
  const name = `ferry-${env.name}`;
  const namespace = opts.namespace ?? "flux-system";
  const labels = { [LABELS.managed]: "true", [LABELS.environment]: env.name };
  const gitRepository = fluxGitRepository(env, { name, namespace, labels }, opts);
  const clusterLabels = (cluster?: string): Record<string, string> => (cluster === undefined ? labels : { ...labels, [CLUSTER_LABEL]: cluster });
  const kustomization = (path: string, cluster?: string) => ({
    apiVersion: "kustomize.toolkit.fluxcd.io/v1" as const,
    kind: "Kustomization" as const,
    metadata: {
      name: cluster === undefined ? name : `${name}-${cluster}`,
      namespace,
      labels: clusterLabels(cluster),
    },
    spec: {
      interval: opts.reconcileInterval ?? "10m",
      ...(cluster === undefined ? {} : { kubeConfig: { secretRef: { name: `${cluster}-kubeconfig`, key: "value" } } }),
      path: `./${path}`,
      prune: true,
      sourceRef: { kind: "GitRepository" as const, name },
      timeout: "5m",
      wait: true,
    },
  });
  const kustomizations = onSeveralClusters(env) ? clusterTargets(env).map((t) => kustomization(t.path, t.cluster)) : [kustomization(environmentPath(env))];
  const [first, ...more] = kustomizations;
  if (!first) throw new Error(`cannot bootstrap: environment ${env.name} lists no cluster`);
  const objects: [typeof gitRepository, typeof first, ...(typeof first)[]] = [gitRepository, first, ...more];
  return objects;
}

/** Options of {@link argoPreviewApplicationSet} and {@link fluxPreviewObjects}. */
export interface PreviewBootstrapOptions {
  /**
   * For a `from` environment on several clusters: the one cluster that runs the previews (its
   * kubeconfig context names Argo CD's destination; Flux reads `<cluster>-kubeconfig`). Ignored for
   * an environment on one cluster, whose previews run where it does.
   */
  readonly cluster?: string;
}

/** The cluster of a `from` environment on several clusters that runs its previews, checked. */
function previewClusterOf(env: BootstrapEnvironment, cluster: string | undefined): { name: string; context: string } | undefined {
  if (!onSeveralClusters(env)) return undefined;
  const found = (env.clusters ?? []).find((c) => c.name === cluster);
  if (!found) {
    const known = (env.clusters ?? []).map((c) => c.name).join(", ");
    throw new Error(
      `cannot bootstrap previews: environment ${env.name} runs on several clusters (${known}); name the one that runs the previews${cluster === undefined ? "" : `, not ${cluster}`}`,
    );
  }
  return found;
}

/**
 * An Argo CD ApplicationSet (`<name>-previews`) applying each preview folder of `env`'s GitOps
 * branch, `previews/pr-<number>/`, as one Application `ferry-<env>-pr-<number>` (labelled with the
 * pull request's number), to the cluster the previews run on: in-cluster like `env`'s own
 * Application, or for an environment on several clusters the Argo CD cluster named like the
 * preview cluster's kubeconfig context.
 */
export function argoPreviewApplicationSet(environment: BootstrapEnvironment, opts: Omit<ArgoOptions, "destination"> & PreviewBootstrapOptions = {}) {
  const [env] = parseEnvironments([environment]);
  if (!env) throw new Error("cannot bootstrap: no environment");
  const cluster = previewClusterOf(env, opts.cluster);
  const resolve = opts.resolveRepo ?? ((r: string) => githubRepoUrl(r));
  const destination = cluster ? { name: cluster.context } : { server: "https://kubernetes.default.svc" };
  return {
    apiVersion: "argoproj.io/v1alpha1" as const,
    kind: "ApplicationSet" as const,
    metadata: {
      name: `${opts.name ?? "ferry"}-previews`,
      namespace: opts.namespace ?? "argocd",
      labels: { [LABELS.managed]: "true", [LABELS.environment]: env.name },
    },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [{ git: { repoURL: resolve(env.gitops.repo), revision: env.gitops.branch, directories: [{ path: `${PREVIEWS_ROOT}/pr-*` }] } }],
      template: {
        metadata: {
          name: `ferry-${env.name}-{{.path.basename}}`,
          labels: {
            [LABELS.managed]: "true",
            [LABELS.environment]: env.name,
            [PREVIEW_LABEL_KEY]: '{{trimPrefix "pr-" .path.basename}}',
            ...(cluster ? { [CLUSTER_LABEL]: cluster.name } : {}),
          },
          // Deleting the Application (its folder is gone) deletes what it applied.
          finalizers: ["resources-finalizer.argocd.argoproj.io"],
        },
        spec: {
          project: opts.project ?? "default",
          source: { repoURL: resolve(env.gitops.repo), targetRevision: env.gitops.branch, path: "{{.path.path}}", directory: { recurse: true } },
          destination: { ...destination, namespace: `ferry-${env.name}` },
          syncPolicy: argoSyncPolicy(),
        },
      },
    },
  };
}

/**
 * Flux's objects applying `env`'s previews: a GitRepository `ferry-<env>-previews` on `env`'s branch
 * whose artifact keeps only `previews/`, and a pruning Kustomization of the same name over the
 * artifact's root (with the preview cluster's kubeconfig for an environment on several clusters).
 */
export function fluxPreviewObjects(environment: BootstrapEnvironment, opts: FluxOptions & PreviewBootstrapOptions = {}) {
  const [env] = parseEnvironments([environment]);
  if (!env) throw new Error("cannot bootstrap: no environment");
  const cluster = previewClusterOf(env, opts.cluster);
  const name = `ferry-${env.name}-previews`;
  const namespace = opts.namespace ?? "flux-system";
  const labels = { [LABELS.managed]: "true", [LABELS.environment]: env.name, ...(cluster ? { [CLUSTER_LABEL]: cluster.name } : {}) };
  // Everything but previews/: the artifact's root always exists, even with no preview left.
  const gitRepository = fluxGitRepository(env, { name, namespace, labels }, opts, `/*\n!/${PREVIEWS_ROOT}/\n`);
  const kustomization = {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1" as const,
    kind: "Kustomization" as const,
    metadata: { name, namespace, labels },
    spec: {
      interval: opts.reconcileInterval ?? "10m",
      ...(cluster ? { kubeConfig: { secretRef: { name: `${cluster.name}-kubeconfig`, key: "value" } } } : {}),
      path: "./",
      prune: true,
      sourceRef: { kind: "GitRepository" as const, name },
      timeout: "5m",
      // Applied, not awaited: a preview is there to be tried and may well be broken; Ferry reports
      // each one's health on its pull request, and one broken preview must not fail the rest.
      wait: false,
    },
  };
  return [gitRepository, kustomization] as const;
}
