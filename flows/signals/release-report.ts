/**
 * One release's signals in one environment, judged: the report `ferry signals`, `ferry_signals`
 * (operations/signals.ts) and the portal's component page (flows/signals/release-reader.ts) show.
 * The landing time and the previous release come from the environment's GitOps history; the
 * values from its Prometheus over `since` before `now`, the baseline from the previous release
 * over an equal window before the landing (read.ts); core/signals/ judges them.
 */
import { releaseLanding, type HistoryEntry } from "../../core/history.js";
import { clusterEnvironmentName } from "../../core/status/cluster-environment.js";
import { signalsReport, verifyInto, type SignalsReport } from "../../core/signals/report.js";
import { durationSeconds, type ComponentType, type Environment, type Platform } from "../../renderers/model/index.js";
import { readSignalReadings, type EnvironmentPrometheus } from "./read.js";

/** Points in a series: the step is the window / 60, at least 1 s. */
const POINTS = 60;

/** What {@link readReleaseSignals} reads. */
export interface ReleaseSignalsInput {
  readonly platform: Platform;
  readonly environment: Environment;
  /** One cluster of an environment on several clusters: its report (`history` and `prometheus` are that cluster's). */
  readonly cluster?: string;
  readonly project: string;
  readonly component: string;
  readonly release: string;
  /** The environment's GitOps history of the component, newest first. */
  readonly history: readonly HistoryEntry[];
  /** The release's frozen component type name and ComponentType; none: only the platform's signals apply. */
  readonly frozen?: { readonly type: string; readonly componentType?: ComponentType | undefined } | undefined;
  /** The window each value is computed over (`${window}`) and the span of the series, e.g. `5m`. */
  readonly since: string;
  /** The window's end, unix seconds. */
  readonly now: number;
  readonly prometheus: EnvironmentPrometheus;
  /** Said in the report after the history's notes (e.g. the release file could not be read). @default none */
  readonly notes?: readonly string[];
}

/** Reads and judges the release's signals (see the module comment). Never throws for what it cannot read: it says so in the notes and verdicts. */
export async function readReleaseSignals(input: ReleaseSignalsInput): Promise<SignalsReport> {
  const { platform, environment: env, release, history } = input;
  const window = durationSeconds(input.since);
  const landing = releaseLanding(history, release);
  const previous = landing ? history.slice(history.indexOf(landing) + 1).find((h) => h.release !== undefined && h.release !== release) : undefined;
  const notes: string[] = [];
  const where = clusterEnvironmentName(env.name, input.cluster);
  if (!landing) notes.push(`release ${release} was not found in ${where}'s GitOps history: no landing time, no previous release`);
  else if (!previous) notes.push(`no previous release in ${where}: no baseline`);
  notes.push(...(input.notes ?? []));

  const to = Math.floor(input.now);
  const from = to - window;
  const landedAt = landing ? Math.floor(landing.date.getTime() / 1000) : undefined;
  const subject = {
    platform,
    environment: env,
    project: input.project,
    component: input.component,
    release,
    type: input.frozen?.type ?? "",
    componentType: input.frozen?.componentType,
  };
  if (!input.prometheus.ok) notes.push(`${input.prometheus.error}: nothing is observed`);
  const readings = await readSignalReadings(
    subject,
    input.prometheus,
    { from, to },
    {
      window: input.since,
      seriesStep: Math.max(1, Math.ceil(window / POINTS)),
      ...(previous?.release !== undefined && landedAt !== undefined ? { previous: { release: previous.release, at: landedAt } } : {}),
    },
  );
  return signalsReport({
    component: `${input.project}/${input.component}`,
    environment: env.name,
    ...(input.cluster !== undefined ? { cluster: input.cluster } : {}),
    release,
    window: { from, to },
    verify: verifyInto(platform, env.name),
    ...(landedAt !== undefined ? { landedAt } : {}),
    readings,
    notes,
  });
}
