/**
 * GET requests to the API server of a kubeconfig's current context that return its JSON
 * unchanged (the typed clients of @kubernetes/client-node turn timestamps into Date objects and
 * drop unknown fields; watches deliver raw JSON, so lists do too), and the errors they reject with.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

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
