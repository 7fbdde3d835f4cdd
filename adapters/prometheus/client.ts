/**
 * The Prometheus HTTP API, read only: `/api/v1/query` and `/api/v1/query_range` with a timeout and,
 * where the endpoint names one, a bearer token from an environment variable. Every failure is a
 * typed result (`PrometheusError`); nothing here throws to its caller.
 */
import { z } from "zod";
import type { PrometheusEndpoint } from "../../renderers/model/index.js";
import type { SeriesPoint } from "../../core/signals/verify.js";
import { httpGet, type Get } from "./transport.js";

export type PrometheusErrorKind = "unreachable" | "timeout" | "http" | "query" | "answer" | "no-token";

/** Why a query gave no answer; `message` never holds the token. */
export interface PrometheusError {
  readonly kind: PrometheusErrorKind;
  readonly message: string;
}

export type PrometheusResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: PrometheusError };

/** The one port to a Prometheus: both calls evaluate one expression that must give at most one series. */
export interface PrometheusPort {
  /** The value at `time` (unix seconds); undefined when the expression has no series then. */
  query(expr: string, time: number): Promise<PrometheusResult<number | undefined>>;
  /** The points from `start` to `end` every `step` seconds; empty when the expression has no series. */
  queryRange(expr: string, start: number, end: number, step: number): Promise<PrometheusResult<SeriesPoint[]>>;
}

export interface PrometheusClientOptions {
  /** The API's base URL, e.g. `http://prometheus.monitoring.svc:9090` (a path prefix is kept). */
  readonly url: string;
  /** Sent as `Authorization: Bearer ...`; none: no header. */
  readonly bearerToken?: string;
  /**
   * Longest wait for one answer, in milliseconds; also sent to Prometheus as the query's `timeout`.
   * @default 5000
   */
  readonly timeoutMs?: number;
  /** How a request is sent. @default httpGet() (transport.ts: one keep-alive agent per protocol, shared) */
  readonly get?: Get;
}

const Sample = z.tuple([z.number(), z.string()]);
const Answer = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("success"),
    data: z.discriminatedUnion("resultType", [
      z.object({ resultType: z.literal("vector"), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: Sample })) }),
      z.object({ resultType: z.literal("matrix"), result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(Sample) })) }),
      z.object({ resultType: z.literal("scalar"), result: Sample }),
      z.object({ resultType: z.literal("string"), result: Sample }),
    ]),
  }),
  z.object({ status: z.literal("error"), errorType: z.string().optional(), error: z.string().optional() }),
]);
type Data = Extract<z.infer<typeof Answer>, { status: "success" }>["data"];

const fail = (kind: PrometheusErrorKind, message: string) => ({ ok: false as const, error: { kind, message } });

/** A client of one Prometheus. */
export function prometheusClient(opts: PrometheusClientOptions): PrometheusPort {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const get = opts.get ?? httpGet();
  const base = opts.url.endsWith("/") ? opts.url : `${opts.url}/`;
  const where = (() => {
    try {
      return new URL(base).origin;
    } catch {
      return "the endpoint";
    }
  })();

  async function call(path: string, params: Record<string, string>): Promise<PrometheusResult<Data>> {
    let url: URL;
    try {
      url = new URL(path, base);
    } catch {
      return fail("unreachable", `${JSON.stringify(opts.url)} is not a URL`);
    }
    for (const [k, v] of Object.entries({ ...params, timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s` })) url.searchParams.set(k, v);
    const response = await get(url, { accept: "application/json", ...(opts.bearerToken ? { authorization: `Bearer ${opts.bearerToken}` } : {}) }, timeoutMs);
    if (!response.ok) {
      if (response.error === "timeout") return fail("timeout", `${where} did not answer within ${timeoutMs} ms`);
      if (response.error === "too-large") return fail("answer", `${where} answered ${response.message}: a signal must give one series`);
      return fail("unreachable", `${where} could not be reached: ${response.message}`);
    }
    const ok = response.status >= 200 && response.status < 300;
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return fail(ok ? "answer" : "http", `${where} answered ${response.status} without a Prometheus JSON body`);
    }
    const parsed = Answer.safeParse(body);
    if (!parsed.success) return fail(ok ? "answer" : "http", `${where} answered ${response.status} with a body that is not a Prometheus API answer`);
    if (parsed.data.status === "error") {
      const kind = response.status === 400 || response.status === 422 ? "query" : "http";
      return fail(kind, `${where} answered ${response.status}: ${parsed.data.errorType ?? "error"}: ${parsed.data.error ?? "no message"}`);
    }
    return { ok: true, value: parsed.data.data };
  }

  const oneSeries = (n: number) => fail("answer", `the query gave ${n} series; a signal must give one number (aggregate it, e.g. with sum or max)`);

  return {
    async query(expr, time) {
      const r = await call("api/v1/query", { query: expr, time: String(time) });
      if (!r.ok) return r;
      const data = r.value;
      if (data.resultType === "scalar") return { ok: true, value: Number(data.result[1]) };
      if (data.resultType !== "vector") return fail("answer", `the query gave a ${data.resultType}, not a number`);
      if (data.result.length > 1) return oneSeries(data.result.length);
      const sample = data.result[0];
      return { ok: true, value: sample ? Number(sample.value[1]) : undefined };
    },
    async queryRange(expr, start, end, step) {
      const r = await call("api/v1/query_range", { query: expr, start: String(start), end: String(end), step: String(step) });
      if (!r.ok) return r;
      const data = r.value;
      if (data.resultType !== "matrix") return fail("answer", `the range query gave a ${data.resultType}, not a matrix`);
      if (data.result.length > 1) return oneSeries(data.result.length);
      return { ok: true, value: (data.result[0]?.values ?? []).map(([t, v]) => [t, Number(v)] as const) };
    },
  };
}

/** The client of a platform's endpoint, with its token from `env`; a missing token makes every call a `no-token` error. */
export function prometheusFor(
  endpoint: PrometheusEndpoint,
  env: Readonly<Record<string, string | undefined>>,
  opts: Omit<PrometheusClientOptions, "url" | "bearerToken"> = {},
): PrometheusPort {
  const token = endpoint.bearerTokenEnv ? env[endpoint.bearerTokenEnv] : undefined;
  if (endpoint.bearerTokenEnv && !token) {
    const error = {
      kind: "no-token" as const,
      message: `${endpoint.bearerTokenEnv} is not set: the bearer token of prometheus endpoint ${JSON.stringify(endpoint.name)}`,
    };
    return { query: async () => ({ ok: false, error }), queryRange: async () => ({ ok: false, error }) };
  }
  return prometheusClient({ ...opts, url: endpoint.url, ...(token ? { bearerToken: token } : {}) });
}
