/**
 * What the signal flows tell Ferry's own metrics (app/metrics.ts through app/deps.ts): each
 * verification's result, and each Prometheus query's latency and, when it failed, why.
 */
import type { PrometheusErrorKind, PrometheusPort, PrometheusResult } from "../../adapters/prometheus/client.js";

/** A verification's end: verified, failed, or not observed (a signal unread or without data when the window ran out). */
export type VerificationResult = "verified" | "failed" | "not-observed";

/** Told of verifications and Prometheus queries; see the module comment. */
export interface SignalsObserver {
  verification(result: VerificationResult): void;
  /** One query answered (or not) after `seconds`; `error`: why it gave no answer. */
  query(seconds: number, error?: PrometheusErrorKind): void;
}

/** `port`, with each query's latency and error told to `observer`. */
export function observedPrometheus(port: PrometheusPort, observer: SignalsObserver | undefined, now: () => number = () => performance.now()): PrometheusPort {
  if (!observer) return port;
  const timed = async <T>(call: () => Promise<PrometheusResult<T>>): Promise<PrometheusResult<T>> => {
    const start = now();
    const result = await call();
    observer.query((now() - start) / 1000, result.ok ? undefined : result.error.kind);
    return result;
  };
  return {
    query: (expr, time) => timed(() => port.query(expr, time)),
    queryRange: (expr, start, end, step) => timed(() => port.queryRange(expr, start, end, step)),
  };
}
