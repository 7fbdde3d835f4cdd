/**
 * The compiler: one component release, one environment, into Kubernetes objects with cdk8s.
 *
 * Pure: no file system, git or network; the same input gives deep-equal output in the same
 * order. Each call builds its own cdk8s App with one Chart (never a shared App: synthesis of
 * an App grows with every chart in it).
 *
 * 1. Checks (all collected): trait types allowed by the component type, unique trait instance
 *    names, parameters and per-environment overrides against their JSON Schemas (defaults
 *    applied; only fields the environmentConfigs declare may be overridden), the type's and
 *    traits' CEL validations, and the container against its endpoints and dependencies.
 * 2. Standard objects as cdk8s `ApiObject`s: the workload (Deployment, StatefulSet, CronJob
 *    or Job), Service, ServiceAccount, files ConfigMap and NetworkPolicies.
 * 3. The type's `resources` and each trait's `creates`, from `${...}` templates, into the same
 *    chart; then synthesis.
 * 4. Each trait's RFC 6902 `patches` on the synthesized objects, in `spec.traits` order.
 * 5. `ferry.dev/preview` on every object and pod template of a preview's render, on none otherwise.
 *
 * Objects come out sorted by kind, then name. Any error leaves `objects` empty.
 */
import { App, Chart } from "cdk8s";
import { CompileCache } from "./cache.js";
import { checkComponent } from "./checks.js";
import { baseContext, LABEL, objectLabels, selectorLabels } from "./context.js";
import { addNetworkPolicies } from "./network.js";
import { Report } from "./report.js";
import { addTemplateObject, applyTraitPatches, objectKey } from "./resources.js";
import type { Origins, TemplateRun } from "./resources.js";
import { addCompanions, addWorkload } from "./workload.js";
import type { Build } from "./workload.js";
import type { CompileInput, CompileResult, K8sObject } from "../types.js";

/** Orders objects by kind, then name, then apiVersion (code-unit order, independent of locale). */
export function compareObjects(a: K8sObject, b: K8sObject): number {
  const ka = [a.kind, a.metadata.name, a.apiVersion];
  const kb = [b.kind, b.metadata.name, b.apiVersion];
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i]!;
    const y = kb[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

type Labelled = { metadata?: { labels?: Record<string, string> } } | undefined;

/** Sets (`pr` given) or removes `ferry.dev/preview` on one metadata, creating `labels` only to set it. */
function setPreview(holder: Labelled, pr: number | undefined): void {
  if (!holder || typeof holder !== "object") return;
  if (pr === undefined) {
    if (holder.metadata?.labels && LABEL.preview in holder.metadata.labels) delete holder.metadata.labels[LABEL.preview];
    return;
  }
  holder.metadata = { ...(holder.metadata ?? {}), labels: { ...(holder.metadata?.labels ?? {}), [LABEL.preview]: String(pr) } };
}

/**
 * The last word on `ferry.dev/preview`, after templates and patches: a preview's object and its pod
 * templates (`spec.template`, a CronJob's `spec.jobTemplate` and its `spec.template`) carry it, so
 * its pods do; an environment's own render carries it nowhere (see CompileInput `preview`).
 */
function markPreview(obj: K8sObject, pr: number | undefined): void {
  setPreview(obj as Labelled, pr);
  const spec = obj.spec as { template?: Labelled; jobTemplate?: Labelled & { spec?: { template?: Labelled } } } | undefined;
  if (spec === null || typeof spec !== "object") return;
  setPreview(spec.template, pr);
  setPreview(spec.jobTemplate, pr);
  if (spec.jobTemplate && typeof spec.jobTemplate === "object") setPreview(spec.jobTemplate.spec?.template, pr);
}

function failed(report: Report): CompileResult {
  return { objects: [], diagnostics: report.diagnostics };
}

/** Compiles one component release for one environment. */
export function compileComponent(input: CompileInput): CompileResult {
  const cache = input.cache ?? new CompileCache();
  const report = new Report(input);
  const { component, componentType } = input.release.spec;
  const labels = objectLabels(input);
  const base = baseContext(input, labels);
  const checked = checkComponent(input, cache, report, base);
  if (report.errorCount > 0) return failed(report);

  const app = new App();
  const chart = new Chart(app, "ferry");
  const build: Build = {
    input,
    chart,
    report,
    type: checked.type,
    name: component.metadata.name,
    labels,
    selector: selectorLabels(component.metadata.project, component.metadata.name),
  };
  addWorkload(build);
  addCompanions(build);
  addNetworkPolicies(build, checked.traits);

  const origins: Origins = new Map();
  for (const obj of chart.apiObjects) origins.set(objectKey(obj.apiVersion, obj.kind, obj.name), "Ferry's standard objects");
  const run: TemplateRun = { input, cache, chart, report, labels, origins };
  componentType.spec.resources.forEach((resource, i) => {
    addTemplateObject(run, checked.type, `resource ${JSON.stringify(resource.id)}`, `type-${i}`, resource);
  });
  for (const scope of checked.traits) {
    scope.trait.spec.creates.forEach((create, j) => addTemplateObject(run, scope, `creates[${j}]`, `trait-${scope.index}-${j}`, create));
  }
  if (report.errorCount > 0) return failed(report);

  let objects: K8sObject[];
  try {
    objects = chart.toJson() as K8sObject[];
  } catch (e) {
    report.add(["spec", "type"], `the rendered objects could not be synthesized: ${e instanceof Error ? e.message : String(e)}`, "compile/synth");
    return failed(report);
  }
  for (const scope of checked.traits) applyTraitPatches(run, scope, objects);
  for (const obj of objects) {
    const m = obj.metadata as { name?: unknown } | undefined;
    if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string" || typeof m?.name !== "string") {
      report.add(["spec", "traits"], `a patch left an object without apiVersion, kind or metadata.name: ${JSON.stringify(obj).slice(0, 80)}`, "compile/patch");
    }
  }
  if (report.errorCount > 0) return failed(report);
  for (const obj of objects) markPreview(obj, input.preview);
  objects.sort(compareObjects);
  return { objects, diagnostics: report.diagnostics };
}
