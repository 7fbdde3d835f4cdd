/**
 * At most `max` queries in flight to one Prometheus, however many verifications share it: the
 * others wait their turn in order (a queued query is a closure, an open request is a socket and
 * its buffers on both sides). Five hundred releases landing together then cost Prometheus a queue,
 * not 2,500 connections at once that outlast their timeouts, and the app a bounded memory.
 */
import type { PrometheusPort } from "./client.js";

/** Wraps ports so that all of them together have at most `max` queries in flight. */
export type InFlightLimit = (port: PrometheusPort) => PrometheusPort;

/** Queries in flight to one endpoint at most, by default. */
export const DEFAULT_MAX_IN_FLIGHT = 16;

/** One shared limit: every port it wraps counts against the same `max` (at least 1). */
export function inFlightLimit(max: number = DEFAULT_MAX_IN_FLIGHT): InFlightLimit {
  const limit = Math.max(1, Math.floor(max));
  let running = 0;
  const waiting: (() => void)[] = [];
  const run = async <T>(call: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await call();
    } finally {
      const next = waiting.shift();
      // The slot passes to the next waiter as it is; none: it is free.
      if (next) next();
      else running--;
    }
  };
  return (port) => ({
    query: (expr, time) => run(() => port.query(expr, time)),
    queryRange: (expr, start, end, step) => run(() => port.queryRange(expr, start, end, step)),
  });
}
