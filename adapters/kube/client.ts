/**
 * Thin I/O edge over @kubernetes/client-node: loading kubeconfigs, one KubeConfig per context,
 * GET requests that return the API server's JSON unchanged (the typed clients turn timestamps
 * into Date objects and drop unknown fields; watches deliver raw JSON, so lists do too), and
 * the collections Ferry observes.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { delimiter } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { z } from "zod";
import {
  CronJob,
  Deployment,
  HorizontalPodAutoscaler,
  Job,
  KubeEvent,
  Pod,
  ReplicaSet,
  StatefulSet,
  type ClusterObjects,
} from "../../core/status/cluster-objects.js";

/**
 * Where kubeconfig comes from: `default` (the `KUBECONFIG` variable, else `~/.kube/config`, else
 * in-cluster), a file path, YAML text, in-cluster service account credentials, or a loaded KubeConfig.
 */
export const KubeConfigSource = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("default") }),
  z.object({ kind: z.literal("file"), path: z.string().min(1, { error: "kubeconfig path is empty" }) }),
  z.object({ kind: z.literal("yaml"), yaml: z.string().min(1, { error: "kubeconfig YAML is empty" }) }),
  z.object({ kind: z.literal("in-cluster") }),
  z.object({ kind: z.literal("config"), config: z.instanceof(KubeConfig) }),
]);
export type KubeConfigSource = z.infer<typeof KubeConfigSource>;

/** Loads a kubeconfig. `env` supplies `KUBECONFIG` for the default source. @default source `{kind: "default"}` */
export function loadKubeConfig(input: KubeConfigSource = { kind: "default" }, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const source = KubeConfigSource.parse(input);
  if (source.kind === "config") return source.config;
  const kc = new KubeConfig();
  switch (source.kind) {
    case "file":
      kc.loadFromFile(source.path);
      break;
    case "yaml":
      kc.loadFromString(source.yaml);
      break;
    case "in-cluster":
      kc.loadFromCluster();
      break;
    case "default": {
      const files = (env.KUBECONFIG ?? "").split(delimiter).filter((f) => f !== "");
      if (files.length === 0) {
        kc.loadFromDefault();
        break;
      }
      files.forEach((file, i) => {
        if (i === 0) kc.loadFromFile(file);
        else {
          const more = new KubeConfig();
          more.loadFromFile(file);
          kc.mergeConfig(more, true);
        }
      });
      break;
    }
  }
  return kc;
}

/** The contexts of `kc` that are missing from `wanted`, as one message per missing context. */
export function missingContexts(kc: KubeConfig, wanted: string[]): string[] {
  const have = kc.getContexts().map((c) => c.name);
  return wanted
    .filter((c) => !have.includes(c))
    .map((c) => `kubeconfig has no context ${JSON.stringify(c)} (contexts: ${have.length > 0 ? have.map((h) => JSON.stringify(h)).join(", ") : "none"})`);
}

/** A KubeConfig that uses `context` as its current context (clients and watches read the current one). */
export function configForContext(kc: KubeConfig, context: string): KubeConfig {
  const missing = missingContexts(kc, [context]);
  if (missing.length > 0) throw new Error(missing.join("; "));
  const out = new KubeConfig();
  out.loadFromOptions({ clusters: kc.getClusters(), users: kc.getUsers(), contexts: kc.getContexts(), currentContext: context });
  return out;
}

/** An HTTP error from the API server, with the Status it returned when there was one. */
export class KubeApiError extends Error {
  constructor(
    /** HTTP status code (the Status `code`). */
    readonly statusCode: number,
    message: string,
    /** The Status `reason` (NotFound, Expired, Unauthorized...). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

/** True when `err` is a 410 Gone / Expired from the API server (re-list needed). */
export function isGone(err: unknown): boolean {
  if (err === null || typeof err !== "object") return false;
  const e = err as { statusCode?: unknown; code?: unknown };
  return e.statusCode === 410 || e.code === 410;
}

/** GETs `path` with the current context's server, TLS settings and credentials; rejects with {@link KubeApiError} on non-2xx. */
export async function kubeGet(kc: KubeConfig, path: string, query: Record<string, string | undefined> = {}, signal?: AbortSignal): Promise<string> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig context ${JSON.stringify(kc.getCurrentContext())} has no cluster`);
  const url = new URL(cluster.server.replace(/\/+$/, "") + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  const opts: RequestOptions = { method: "GET", headers: { Accept: "application/json" } };
  await kc.applyToHTTPSOptions(opts);
  const request = url.protocol === "http:" ? httpRequest : httpsRequest;
  return new Promise<string>((resolve, reject) => {
    const req = request(url, { ...opts, ...(signal ? { signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) {
          resolve(text);
          return;
        }
        let message = `GET ${url.pathname} failed with HTTP ${code}`;
        let reason: string | undefined;
        try {
          const s = JSON.parse(text) as { message?: unknown; reason?: unknown };
          if (typeof s.message === "string") message = `${message}: ${s.message}`;
          if (typeof s.reason === "string") reason = s.reason;
        } catch {
          // not a Status: keep the generic message
        }
        reject(new KubeApiError(code, message, reason));
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** A collection Ferry lists and watches. */
export interface ObservedResource {
  /** Field of {@link ClusterObjects} the objects go to. */
  field: Exclude<keyof ClusterObjects, "logs">;
  apiVersion: string;
  kind: string;
  /** `/api/v1` or `/apis/<group>/<version>`. */
  base: string;
  resource: string;
  /** Validates an object (list items lack apiVersion and kind; the schema defaults them). */
  schema: z.ZodType<{ metadata: { name: string; namespace?: string | undefined; resourceVersion?: string | undefined } }>;
  /** Selected by Ferry's labels (true) or by `type=Warning` (events). */
  labelled: boolean;
}

/** Everything the observer watches. */
export const OBSERVED: readonly ObservedResource[] = [
  { field: "deployments", apiVersion: "apps/v1", kind: "Deployment", base: "/apis/apps/v1", resource: "deployments", schema: Deployment, labelled: true },
  { field: "statefulSets", apiVersion: "apps/v1", kind: "StatefulSet", base: "/apis/apps/v1", resource: "statefulsets", schema: StatefulSet, labelled: true },
  { field: "replicaSets", apiVersion: "apps/v1", kind: "ReplicaSet", base: "/apis/apps/v1", resource: "replicasets", schema: ReplicaSet, labelled: true },
  { field: "pods", apiVersion: "v1", kind: "Pod", base: "/api/v1", resource: "pods", schema: Pod, labelled: true },
  { field: "jobs", apiVersion: "batch/v1", kind: "Job", base: "/apis/batch/v1", resource: "jobs", schema: Job, labelled: true },
  { field: "cronJobs", apiVersion: "batch/v1", kind: "CronJob", base: "/apis/batch/v1", resource: "cronjobs", schema: CronJob, labelled: true },
  {
    field: "hpas",
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    base: "/apis/autoscaling/v2",
    resource: "horizontalpodautoscalers",
    schema: HorizontalPodAutoscaler,
    labelled: true,
  },
  { field: "events", apiVersion: "v1", kind: "Event", base: "/api/v1", resource: "events", schema: KubeEvent, labelled: false },
];

/** The collection path of a resource, cluster-wide or in one namespace. */
export function collectionPath(r: ObservedResource, namespace?: string): string {
  return namespace === undefined ? `${r.base}/${r.resource}` : `${r.base}/namespaces/${encodeURIComponent(namespace)}/${r.resource}`;
}

/** Label and field selectors of the list and watch requests for a resource. */
export function selectorsFor(r: ObservedResource, labelSelector: string): { labelSelector?: string; fieldSelector?: string } {
  return r.labelled ? { labelSelector } : { fieldSelector: "type=Warning" };
}
