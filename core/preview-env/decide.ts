/**
 * Whether an app pull request gets a preview environment, and what it is: its changed components
 * rendered into `<project>-pr-<number>` on the `from` environment's cluster, their unchanged
 * dependencies pointing at the `from` environment, their routes at the preview's hosts. Or why
 * not: a fork, the label missing, the cost cap, the per-project limit. Pure.
 *
 * Secrets: a rendered `secretRef` is a `secretKeyRef`, which Kubernetes resolves in the pod's own
 * namespace, so a preview reads only its own namespace's secrets, never the `from` environment's.
 */
import { toYaml } from "../../renderers/canonical.js";
import type { AppComponent, Catalog } from "../../renderers/apps.js";
import { catalogKey } from "../../renderers/apps.js";
import type { CelEngine } from "../../renderers/cel.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { hasErrors } from "../../renderers/diagnostics.js";
import type { Environment, Previews } from "../../renderers/model/index.js";
import { durationSeconds, namespaceFor, PREVIEW_LABEL } from "../../renderers/model/index.js";
import type { PlatformBundle } from "../../renderers/platform.js";
import type { Release } from "../../renderers/release.js";
import type { K8sObject } from "../../renderers/types.js";
import { estimateCost, formatMoney } from "../cost.js";
import type { CostEstimate } from "../cost.js";
import { namespaceFile, namespaceObject, previewCluster } from "../gitops/layout.js";
import { renderRelease } from "../render.js";
import { previewHost } from "./check.js";
import { PREVIEW_LABEL_KEY, previewDir, previewNamespace } from "./layout.js";

/** The pull request asking for a preview. */
export interface PreviewPull {
  /** `owner/name` of the app repository. */
  readonly repo: string;
  readonly number: number;
  readonly headSha: string;
  /** Whether the head comes from another repository (a deleted fork counts). */
  readonly fork: boolean;
  readonly labels: readonly string[];
}

/** A preview already in the GitOps target (read from its folder and the commits that wrote it). */
export interface PresentPreview {
  readonly repo: string;
  readonly pr: number;
  readonly projects: readonly string[];
  /** ISO time of the commit that created the folder. */
  readonly createdAt: string;
}

/** Input of {@link decidePreview}. */
export interface PreviewEnvInput {
  readonly bundle: PlatformBundle;
  readonly pull: PreviewPull;
  /** The pull request's valid components at its head. */
  readonly components: readonly AppComponent[];
  /** `project/component` keys the pull request changes in the `from` environment (added or changed). */
  readonly changed: readonly string[];
  readonly catalog: Catalog;
  readonly cel: CelEngine;
  /** Every preview the `from` environment's GitOps target holds now. */
  readonly present: readonly PresentPreview[];
}

/** One component of a preview. */
export interface PreviewComponent {
  /** `project/component`. */
  readonly key: string;
  readonly release: string;
  readonly namespace: string;
  /** `https://<host>` per route, sorted; none without `previews.host` or a route. */
  readonly urls: readonly string[];
}

/** Why a pull request gets no preview. */
export type RefusalCode = "disabled" | "fork" | "label" | "unchanged" | "invalid" | "cost" | "limit";

export type PreviewDecision =
  | {
      readonly kind: "preview";
      readonly from: string;
      /** For a `from` environment on several clusters: the one cluster the preview runs on (layout.ts `previewCluster`). */
      readonly cluster?: string;
      /** `previews/pr-<number>`. */
      readonly dir: string;
      /** Files relative to `dir`, sorted. */
      readonly files: ReadonlyMap<string, string>;
      readonly components: readonly PreviewComponent[];
      readonly namespaces: readonly string[];
      readonly cost: CostEstimate;
      /** Seconds without a push before the reconcile pass removes it. */
      readonly ttlSeconds: number;
      readonly diagnostics: readonly Diagnostic[];
    }
  | { readonly kind: "refused"; readonly code: RefusalCode; readonly reason: string; readonly diagnostics: readonly Diagnostic[] };

const refused = (code: RefusalCode, reason: string, diagnostics: readonly Diagnostic[] = []): PreviewDecision => ({
  kind: "refused",
  code,
  reason,
  diagnostics,
});

/** Whether the platform wants a preview for these labels (the settings' trigger). */
export function wantsPreview(previews: Previews, labels: readonly string[]): boolean {
  return previews.trigger === "always" || labels.includes(PREVIEW_LABEL);
}

/** The environment a preview renders for: the `from` environment with the preview's namespace. */
export function previewEnvironment(from: Environment, pr: number): Environment {
  return { ...from, namespace: previewNamespace("${metadata.project}", pr) };
}

/**
 * The release as the preview runs it: its routes on the preview's host; without `previews.host`,
 * no route and no public endpoint (a preview never answers on the `from` environment's hosts).
 */
export function previewRelease(release: Release, previews: Previews, from: string, pr: number): { release: Release; hosts: string[] } {
  const component = release.spec.component;
  const routes = component.spec.traits.filter((t) => t.type === "route");
  if (routes.length === 0) return { release, hosts: [] };
  const { project, name } = component.metadata;
  if (previews.host === undefined) {
    const endpoints = Object.fromEntries(
      Object.entries(component.spec.endpoints).map(([k, e]) => [k, { ...e, visibility: e.visibility.filter((v) => v !== "public") }]),
    );
    const spec = { ...component.spec, endpoints, traits: component.spec.traits.filter((t) => t.type !== "route") };
    return { release: { ...release, spec: { ...release.spec, component: { ...component, spec } } }, hosts: [] };
  }
  const host = previewHost(previews.host, { pr, component: name, project });
  const override = component.spec.environments[from] ?? {};
  const traitOverrides = { ...(override.traits ?? {}) };
  for (const r of routes) traitOverrides[r.name] = { ...(traitOverrides[r.name] ?? {}), host };
  const spec = { ...component.spec, environments: { ...component.spec.environments, [from]: { ...override, traits: traitOverrides } } };
  return { release: { ...release, spec: { ...release.spec, component: { ...component, spec } } }, hosts: [host] };
}

/** Decides the pull request's preview; see the module comment. */
export function decidePreview(input: PreviewEnvInput): PreviewDecision {
  const { bundle, pull } = input;
  const previews = bundle.platform.spec.previews;
  if (!previews) return refused("disabled", "the platform has no previews");
  if (pull.fork) return refused("fork", "pull requests from forks never get a preview environment");
  if (!wantsPreview(previews, pull.labels)) return refused("label", `add the \`${PREVIEW_LABEL}\` label to get a preview environment`);
  const from = bundle.platform.spec.environments.find((e) => e.name === previews.from);
  if (!from) return refused("disabled", `the previews' environment ${JSON.stringify(previews.from)} is not declared`);
  const changed = new Set(input.changed);
  const components = input.components.filter((c) => changed.has(catalogKey(c.release.metadata.project, c.release.metadata.component)));
  if (components.length === 0) return refused("unchanged", "the pull request changes no component the preview environment would run");

  const env = previewEnvironment(from, pull.number);
  // An environment on several clusters: the preview runs on one, with that cluster's overrides.
  const cluster = previewCluster(from);
  const inPreview = (project: string, component: string) => changed.has(catalogKey(project, component));
  // Unchanged dependencies are the `from` environment's; changed ones run in the preview.
  const dependencyNamespace = (project: string, component: string) =>
    inPreview(project, component) ? namespaceFor(env, project) : namespaceFor(from, project);
  const files = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const objects: K8sObject[] = [];
  const out: PreviewComponent[] = [];
  const projects = new Set<string>();
  for (const app of components) {
    const { release, hosts } = previewRelease(app.release, previews, from.name, pull.number);
    const rendered = renderRelease(release, env, bundle, input.catalog, input.cel, app.locate, undefined, {
      dependencyNamespace,
      single: cluster !== undefined ? { cluster } : {},
      preview: pull.number,
    });
    diagnostics.push(...rendered.diagnostics);
    if (hasErrors(rendered.diagnostics)) continue;
    const { project, component } = release.metadata;
    projects.add(project);
    for (const obj of rendered.objects) objects.push(obj);
    for (const [path, text] of rendered.files) files.set(path, text);
    out.push({ key: catalogKey(project, component), release: release.metadata.name, namespace: rendered.namespace, urls: hosts.map((h) => `https://${h}`) });
  }
  if (hasErrors(diagnostics)) return refused("invalid", "the changed components do not render for the preview environment", diagnostics);
  for (const project of [...projects].sort()) {
    const ns = namespaceObject(env, project);
    files.set(
      namespaceFile(project),
      toYaml({ ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, [PREVIEW_LABEL_KEY]: String(pull.number) } } }),
    );
  }

  const cost = estimateCost(objects, bundle.platform.spec.pricing);
  if (previews.maxMonthlyCost !== undefined && cost.monthly > previews.maxMonthlyCost) {
    return refused(
      "cost",
      `the preview's estimated monthly cost, ${formatMoney(cost.monthly, cost.currency)}, is above previews.maxMonthlyCost (${formatMoney(previews.maxMonthlyCost, cost.currency)})`,
      diagnostics,
    );
  }
  for (const project of [...projects].sort()) {
    const others = input.present
      .filter((p) => !(p.repo === pull.repo && p.pr === pull.number) && p.projects.includes(project))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.pr - b.pr));
    const oldest = others[0];
    if (oldest && others.length >= previews.maxPerProject) {
      return refused(
        "limit",
        `project ${JSON.stringify(project)} already has ${others.length} previews (previews.maxPerProject: ${previews.maxPerProject}); the oldest is ${oldest.repo}#${oldest.pr}, created ${oldest.createdAt}`,
        diagnostics,
      );
    }
  }
  return {
    kind: "preview",
    from: from.name,
    ...(cluster !== undefined ? { cluster } : {}),
    dir: previewDir(pull.number),
    files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    components: out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    namespaces: [...projects].sort().map((p) => previewNamespace(p, pull.number)),
    cost,
    ttlSeconds: durationSeconds(previews.ttl),
    diagnostics,
  };
}
