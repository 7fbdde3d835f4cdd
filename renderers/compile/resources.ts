/**
 * Objects from templates (ComponentType `resources`, Trait `creates`) and RFC 6902 patches
 * (Trait `patches`).
 *
 * Template objects join the cdk8s chart as plain `ApiObject`s, so they are synthesized with the
 * rest. Every one gets Ferry's labels (over its own) and, unless it names a namespace or is of
 * a cluster-scoped kind, the component's namespace.
 *
 * Patches run on the synthesized JSON, trait by trait in `spec.traits` order, each on every
 * object matching its target (group, version, kind and, when given, name). One Ferry
 * extension to RFC 6902: an `add` whose path ends in `/-` creates the list when it is missing
 * (so "append a volume" works whether or not the pod has volumes yet).
 */
import { ApiObject } from "cdk8s";
import type { Chart } from "cdk8s";
import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import type { TraitPatch } from "../model/index.js";
import { shortJson } from "../short-json.js";
import type { CompileInput, K8sObject } from "../types.js";
import type { CompileCache } from "./cache.js";
import type { Scope, TraitScope } from "./checks.js";
import { formatPath } from "../diagnostics.js";
import type { Report } from "./report.js";
import { conditionExpression, evaluateTemplate } from "./template.js";
import type { Evaluate, TemplateIssue } from "./template.js";

/** Kinds that live outside namespaces: templates of these get no namespace. */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "StorageClass",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "PriorityClass",
  "IngressClass",
  "GatewayClass",
  "RuntimeClass",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "APIService",
  "CSIDriver",
  "VolumeSnapshotClass",
]);

/** `group|kind|name` of an object: two objects with the same key would overwrite each other. */
export function objectKey(apiVersion: string, kind: string, name: string): string {
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  return `${group}|${kind}|${name}`;
}

/** Who rendered each object, for messages about duplicates. */
export type Origins = Map<string, string>;

/** What evaluating templates needs. */
export interface EvalRun {
  readonly input: CompileInput;
  readonly cache: CompileCache;
  readonly report: Report;
}

/** What rendering template objects into the chart needs. */
export interface TemplateRun extends EvalRun {
  readonly chart: Chart;
  readonly labels: Record<string, string>;
  readonly origins: Origins;
}

function evaluator(run: EvalRun): Evaluate {
  return (expr, context) => run.cache.evaluate(run.input.cel, expr, context);
}

function reportIssues(run: EvalRun, scope: Scope, what: string, issues: readonly TemplateIssue[]): void {
  for (const issue of issues) {
    const at = issue.path.length > 0 ? ` at ${formatPath(issue.path)}` : "";
    run.report.add(scope.where, `${scope.label} ${what}${at}: \${${issue.expression}}: ${issue.message}`, "compile/template");
  }
}

/** Evaluates an includeWhen: false skips the entry (also when it could not be evaluated; that is reported). */
function included(run: EvalRun, scope: Scope, what: string, includeWhen: string | undefined): boolean {
  if (includeWhen === undefined) return true;
  const issues: TemplateIssue[] = [];
  const expr = conditionExpression(includeWhen, issues);
  if (expr !== undefined) {
    const value = evaluateTemplate({ kind: "expr", expr }, evaluator(run), scope.context, issues);
    if (typeof value === "boolean") return value;
    if (issues.length === 0) issues.push({ path: [], expression: expr, message: `includeWhen must evaluate to a bool, got ${shortJson(value)}` });
  }
  reportIssues(run, scope, `${what} includeWhen`, issues);
  return false;
}

/**
 * Renders one template (a type resource or a trait create) into the chart. `what` names it in
 * messages, e.g. `resource "config"` or `creates[0]`.
 */
export function addTemplateObject(
  run: TemplateRun,
  scope: Scope,
  what: string,
  id: string,
  entry: { includeWhen?: string; template: Record<string, unknown> },
): void {
  if (!included(run, scope, what, entry.includeWhen)) return;
  const issues: TemplateIssue[] = [];
  const value = evaluateTemplate(run.cache.template(entry.template), evaluator(run), scope.context, issues);
  if (issues.length > 0) {
    reportIssues(run, scope, what, issues);
    return;
  }
  const obj = value as Record<string, unknown>;
  const metadata = (obj.metadata !== null && typeof obj.metadata === "object" && !Array.isArray(obj.metadata) ? obj.metadata : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== "string" || !/^([a-z0-9.-]+\/)?[a-z0-9]+$/.test(apiVersion))
    problems.push(`apiVersion must be like v1 or apps/v1, got ${shortJson(apiVersion)}`);
  if (typeof kind !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) problems.push(`kind must be a Kubernetes kind such as ConfigMap, got ${shortJson(kind)}`);
  if (typeof metadata.name !== "string" || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(metadata.name)) {
    problems.push(`metadata.name must be a DNS-1123 name, got ${shortJson(metadata.name)}`);
  }
  if (problems.length > 0 || typeof apiVersion !== "string" || typeof kind !== "string" || typeof metadata.name !== "string") {
    for (const p of problems) run.report.add(scope.where, `${scope.label} ${what}: ${p}`, "compile/template");
    return;
  }
  const name = metadata.name;
  const key = objectKey(apiVersion, kind, name);
  const other = run.origins.get(key);
  const self = `${scope.label} ${what}`;
  if (other) {
    run.report.add(scope.where, `${self} renders ${kind}/${name}, which ${other} already renders`, "compile/duplicate", { resource: `${kind}/${name}` });
    return;
  }
  run.origins.set(key, self);
  const ownLabels = metadata.labels !== null && typeof metadata.labels === "object" ? (metadata.labels as Record<string, string>) : {};
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : CLUSTER_SCOPED.has(kind) ? undefined : run.input.namespace;
  new ApiObject(run.chart, id, {
    ...obj,
    apiVersion,
    kind,
    metadata: { ...metadata, name, namespace, labels: { ...ownLabels, ...run.labels } },
  });
}

function lookup(doc: unknown, pointer: string): { found: boolean; value: unknown } {
  if (pointer === "") return { found: true, value: doc };
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, seg)) return { found: false, value: undefined };
    cur = (cur as Record<string, unknown>)[seg];
  }
  return { found: true, value: cur };
}

/** Applies one operation; Ferry's extension creates the list an `add .../-` appends to. */
function applyOne(doc: K8sObject, op: Operation): void {
  if (op.op === "add" && op.path.endsWith("/-")) {
    const listPath = op.path.slice(0, -2);
    const list = lookup(doc, listPath);
    if (!list.found) {
      const parentPath = listPath.slice(0, listPath.lastIndexOf("/"));
      const parent = lookup(doc, parentPath);
      if (parent.found && parent.value !== null && typeof parent.value === "object" && !Array.isArray(parent.value)) {
        jsonpatch.applyOperation(doc, { op: "add", path: listPath, value: [] }, true, true);
      }
    }
  }
  jsonpatch.applyOperation(doc, op, true, true);
}

function matches(obj: K8sObject, target: Record<string, unknown>): boolean {
  const group = typeof target.group === "string" ? target.group : "";
  const apiVersion = group ? `${group}/${String(target.version)}` : String(target.version);
  if (obj.apiVersion !== apiVersion || obj.kind !== target.kind) return false;
  return target.name === undefined || obj.metadata.name === target.name;
}

function describeOp(op: Record<string, unknown>): string {
  return `${String(op.op)} ${String(op.path)}`;
}

/** Applies every patch of one trait instance to the matching objects. */
export function applyTraitPatches(run: EvalRun, scope: TraitScope, objects: K8sObject[]): void {
  scope.trait.spec.patches.forEach((patch: TraitPatch, j) => {
    const what = `patches[${j}]`;
    if (!included(run, scope, what, patch.includeWhen)) return;
    const issues: TemplateIssue[] = [];
    const target = evaluateTemplate(run.cache.template(patch.target), evaluator(run), scope.context, issues, ["target"]) as Record<string, unknown>;
    const operations = evaluateTemplate(run.cache.template(patch.operations), evaluator(run), scope.context, issues, ["operations"]) as Record<
      string,
      unknown
    >[];
    if (issues.length > 0) {
      reportIssues(run, scope, what, issues);
      return;
    }
    for (const obj of objects) {
      if (!matches(obj, target)) continue;
      for (let k = 0; k < operations.length; k++) {
        const op = operations[k]!;
        try {
          if (typeof op.path !== "string" || (op.from !== undefined && typeof op.from !== "string")) {
            throw new Error(`path and from must be strings, got ${shortJson(op.path)}`);
          }
          applyOne(obj, structuredClone(op) as unknown as Operation);
        } catch (e) {
          const reason = (e instanceof Error ? e.message : String(e)).split("\n")[0];
          run.report.add(
            scope.where,
            `${scope.label} ${what}.operations[${k}] (${describeOp(op)}) on ${obj.kind}/${obj.metadata.name} failed: ${reason}`,
            "compile/patch",
            { resource: `${obj.kind}/${obj.metadata.name}` },
          );
          break;
        }
      }
    }
  });
}
