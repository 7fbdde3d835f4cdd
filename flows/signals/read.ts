/**
 * Reading a release's signals from Prometheus, the one reader `ferry signals`, `ferry_signals`
 * (operations/signals.ts) and the app's verification (flows/status/verification.ts) share: which
 * signals apply to the release's ComponentType, their PromQL templates filled in, each signal's
 * value at the end of a window (and its series over it), and the previous release's value over an
 * equal window before the rollout (the baseline of `maxIncrease`). Judging is core/signals/.
 */
import { prometheusFor, type PrometheusPort } from "../../adapters/prometheus/client.js";
import type { SignalReadings } from "../../core/signals/report.js";
import { signalsFor } from "../../core/signals/resolve.js";
import { promqlString, substitute } from "../../core/signals/template.js";
import type { Reading } from "../../core/signals/verify.js";
import { namespaceFor, type ComponentType, type Environment, type Platform, type PrometheusEndpoint, type Signal } from "../../renderers/model/index.js";

/** Which release of which component in which environment, and the ComponentType it was frozen with. */
export interface SignalSubject {
  readonly platform: Platform;
  readonly environment: Environment;
  readonly project: string;
  readonly component: string;
  readonly release: string;
  /** The component's type name (`service`, ...); "" when unknown: only the platform's signals apply. */
  readonly type: string;
  /** The ComponentType frozen in the release, when it could be read. */
  readonly componentType?: ComponentType | undefined;
}

/** A window in unix seconds. */
export interface SignalWindow {
  readonly from: number;
  readonly to: number;
}

/** Makes the client of a platform's Prometheus endpoint, with its bearer token from `variables`. */
export type PrometheusFactory = (endpoint: PrometheusEndpoint, variables: Readonly<Record<string, string | undefined>>) => PrometheusPort;

/** The endpoint an environment's cluster names (`cluster.prometheus`), or why there is none. */
export type EnvironmentPrometheus =
  { readonly ok: true; readonly endpoint: PrometheusEndpoint; readonly port: PrometheusPort } | { readonly ok: false; readonly error: string };

/** The Prometheus of `environment`: the `observability.prometheus` endpoint its `cluster.prometheus` names. */
export function prometheusOfEnvironment(
  platform: Platform,
  environment: Environment,
  variables: Readonly<Record<string, string | undefined>>,
  make: PrometheusFactory = (e, v) => prometheusFor(e, v),
): EnvironmentPrometheus {
  const name = environment.cluster?.prometheus;
  if (name === undefined) return { ok: false, error: `environment ${environment.name} names no cluster.prometheus` };
  const endpoint = platform.spec.observability?.prometheus.find((p) => p.name === name);
  if (!endpoint) return { ok: false, error: `prometheus endpoint ${JSON.stringify(name)} is not declared` };
  return { ok: true, endpoint, port: make(endpoint, variables) };
}

/** Every signal of the subject's release, sorted by name. */
export function signalsOf(subject: SignalSubject): [string, Signal][] {
  return signalsFor(subject.platform, subject.type, subject.componentType);
}

/** `${window}` for a window of `seconds`: whole seconds, at least one. */
export function windowText(seconds: number): string {
  return `${Math.max(1, Math.ceil(seconds))}s`;
}

/** A signal's query for `release` with `${window}` = `window`. */
export function signalQuery(subject: SignalSubject, signal: Signal, release: string, window: string): string {
  return substitute(signal.query, {
    namespace: promqlString(namespaceFor(subject.environment, subject.project)),
    component: promqlString(subject.component),
    project: promqlString(subject.project),
    release: promqlString(release),
    window,
  }).text;
}

/** What to read besides each signal's value at the window's end. */
export interface ReadOptions {
  /** `${window}` in the templates. @default the window's length in seconds */
  readonly window?: string;
  /** Read the series over the window with this step (seconds). @default no series */
  readonly seriesStep?: number;
  /** The previous release and when the rollout started (unix seconds): its value then is the baseline. @default no baseline */
  readonly previous?: { readonly release: string; readonly at: number };
}

/** A Prometheus answer as a {@link Reading}. */
function readingOf(value: Awaited<ReturnType<PrometheusPort["query"]>>, series: readonly (readonly [number, number])[] = []): Reading {
  return value.ok ? { ok: true, value: value.value, series } : { ok: false, error: value.error.message };
}

/**
 * Reads `signals` (default: every signal of the subject) over `window` from `prometheus`: one
 * instant query per signal, plus a range query with `seriesStep` and a baseline query with
 * `previous`. Without a Prometheus (`{ok: false}`) every reading is unread with its reason.
 */
export async function readSignalReadings(
  subject: SignalSubject,
  prometheus: EnvironmentPrometheus,
  window: SignalWindow,
  options: ReadOptions = {},
  signals: readonly (readonly [string, Signal])[] = signalsOf(subject),
): Promise<SignalReadings[]> {
  if (!prometheus.ok) return signals.map(([name, signal]) => ({ name, signal, current: { ok: false, error: prometheus.error } }));
  const prom = prometheus.port;
  const text = options.window ?? windowText(window.to - window.from);
  const { previous, seriesStep } = options;
  return Promise.all(
    signals.map(async ([name, signal]): Promise<SignalReadings> => {
      const query = signalQuery(subject, signal, subject.release, text);
      const [value, series, baseline] = await Promise.all([
        prom.query(query, window.to),
        seriesStep !== undefined ? prom.queryRange(query, window.from, window.to, seriesStep) : undefined,
        previous ? prom.query(signalQuery(subject, signal, previous.release, text), previous.at) : undefined,
      ]);
      const points = series?.ok ? series.value.filter(([, v]) => Number.isFinite(v)) : [];
      const base = baseline === undefined ? undefined : readingOf(baseline);
      return { name, signal, current: readingOf(value, points), ...(base ? { baseline: base } : {}) };
    }),
  );
}
