/**
 * Reading the live objects drift compares with git, from one kubeconfig context: each git object
 * by name, and every object of the given kinds that carries a label selector. Kinds are resolved
 * through the API server's discovery, so any kind git holds can be read (a kind the cluster does
 * not serve has no objects there).
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { groupOf, refKey, refOf, type DriftFinding, type ObjectRef } from "../../core/drift/model.js";
import { clusterDrift, ferryObjectsSelector, kindsToScan, type KindRef, type LiveObjects } from "../../core/drift/cluster.js";
import type { K8sObject } from "../../renderers/types.js";
import { KubeApiError, kubeGet } from "./client.js";
import { configForContext, loadKubeConfig, type KubeConfigSource } from "./kubeconfig.js";

/** What to read from one cluster. */
export interface LiveRequest {
  /** The objects git holds, read one by one. */
  readonly objects: readonly ObjectRef[];
  /** Kinds to list with `labelSelector` (cluster-wide). */
  readonly kinds: readonly KindRef[];
  readonly labelSelector: string;
}

/** Options of {@link readLiveObjects}. */
export interface LiveReadOptions {
  /** @default `{kind: "default"}` */
  readonly kubeConfig?: KubeConfigSource;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

interface ServedResource {
  readonly base: string;
  readonly resource: string;
  readonly namespaced: boolean;
}

function basePath(apiVersion: string): string {
  return groupOf(apiVersion) === "" ? `/api/${apiVersion}` : `/apis/${apiVersion}`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function notFound(e: unknown): boolean {
  return e instanceof KubeApiError && e.statusCode === 404;
}

/** kind → resource of one group version, or an empty map when the cluster does not serve it. */
async function discover(kc: KubeConfig, apiVersion: string): Promise<Map<string, ServedResource>> {
  const base = basePath(apiVersion);
  try {
    const list = JSON.parse(await kubeGet(kc, base)) as { resources?: { name?: string; kind?: string; namespaced?: boolean }[] };
    const out = new Map<string, ServedResource>();
    for (const r of list.resources ?? []) {
      if (typeof r.name !== "string" || r.name.includes("/") || typeof r.kind !== "string") continue;
      out.set(r.kind, { base, resource: r.name, namespaced: r.namespaced === true });
    }
    return out;
  } catch (e) {
    if (notFound(e)) return new Map();
    throw e;
  }
}

function objectPath(r: ServedResource, namespace: string | undefined, name?: string): string {
  const scope = r.namespaced && namespace !== undefined ? `${r.base}/namespaces/${encodeURIComponent(namespace)}` : r.base;
  return `${scope}/${r.resource}${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
}

async function listAll(kc: KubeConfig, r: ServedResource, kind: KindRef, labelSelector: string): Promise<K8sObject[]> {
  const out: K8sObject[] = [];
  let cont: string | undefined;
  do {
    const list = JSON.parse(await kubeGet(kc, objectPath(r, undefined), { labelSelector, limit: "500", continue: cont })) as {
      metadata?: { continue?: string };
      items?: K8sObject[];
    };
    out.push(...(list.items ?? []).map((o) => ({ ...o, apiVersion: o.apiVersion ?? kind.apiVersion, kind: o.kind ?? kind.kind })));
    cont = list.metadata?.continue || undefined;
  } while (cont !== undefined);
  return out;
}

/**
 * Reads the live side of drift from `context`: each git object (absent when the cluster has no
 * such object or does not serve its kind) and every labelled object of `kinds`. Rejects with every
 * failure at once (a 404 is an answer, not a failure).
 */
export async function readLiveObjects(context: string, request: LiveRequest, options: LiveReadOptions = {}): Promise<LiveObjects> {
  const kc = configForContext(loadKubeConfig(options.kubeConfig, options.env), context);
  const versions = [...new Set([...request.objects, ...request.kinds].map((k) => k.apiVersion))].sort();
  const failures: string[] = [];
  const served = new Map<string, Map<string, ServedResource>>();
  await Promise.all(
    versions.map(async (v) => {
      try {
        served.set(v, await discover(kc, v));
      } catch (e) {
        failures.push(`discover ${v}: ${describe(e)}`);
      }
    }),
  );
  const resourceOf = (k: KindRef) => served.get(k.apiVersion)?.get(k.kind);
  const objects = new Map<string, K8sObject>();
  const labelled: K8sObject[] = [];
  await Promise.all([
    ...request.objects.map(async (ref) => {
      const r = resourceOf(ref);
      if (!r) return;
      try {
        objects.set(refKey(ref), JSON.parse(await kubeGet(kc, objectPath(r, ref.namespace, ref.name))) as K8sObject);
      } catch (e) {
        if (!notFound(e)) failures.push(`get ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}: ${describe(e)}`);
      }
    }),
    ...request.kinds.map(async (kind) => {
      const r = resourceOf(kind);
      if (!r) return;
      try {
        labelled.push(...(await listAll(kc, r, kind, request.labelSelector)));
      } catch (e) {
        if (!notFound(e)) failures.push(`list ${kind.kind} (${kind.apiVersion}): ${describe(e)}`);
      }
    }),
  ]);
  if (failures.length > 0) throw new Error(`cannot read context ${JSON.stringify(context)}: ${failures.sort().join("; ")}`);
  return { objects, labelled };
}

/** The drift of one environment's cluster from its git objects: reads the live side, then compares (core/drift/cluster.ts). */
export async function readClusterDrift(
  environment: string,
  context: string,
  git: readonly K8sObject[],
  options: LiveReadOptions & { readonly read?: typeof readLiveObjects; readonly cluster?: string } = {},
): Promise<DriftFinding[]> {
  const read = options.read ?? readLiveObjects;
  const live = await read(context, { objects: git.map(refOf), kinds: kindsToScan(git), labelSelector: ferryObjectsSelector(environment) }, options);
  return clusterDrift(environment, git, live, options.cluster);
}
