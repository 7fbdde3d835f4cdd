/** ferry_signals: `ferry signals` (operations/signals.ts): a component's golden signals in one environment, judged against the pipeline's verify. */
import { z } from "zod";
import { GitopsError } from "../../adapters/git/errors.js";
import { formatEnvironmentSignalsText, isClustersReport, type SignalsReport } from "../../core/signals/report.js";
import { VERDICTS } from "../../core/signals/verify.js";
import { UsageError } from "../../operations/errors.js";
import { readSignals } from "../../operations/signals.js";
import { Duration, SignalUnit } from "../../renderers/model/index.js";
import { ReleaseId } from "../../renderers/release.js";
import { componentSight } from "../components.js";
import { PlatformArg, platformBundle } from "../workspace.js";
import { ComponentName } from "./get-component.js";
import { REMOTE_READ, defineTool } from "./tool.js";

const Verdict = z.enum(VERDICTS);

const Window = z.object({ from: z.number().describe("unix seconds"), to: z.number().describe("unix seconds") });

/** One report: the environment's on one cluster, or one cluster's. */
const ReportOut = z.object({
  component: z.string(),
  environment: z.string(),
  cluster: z.string().optional(),
  release: z.string(),
  verdict: Verdict,
  window: Window,
  signals: z.array(
    z.object({
      name: z.string(),
      unit: SignalUnit,
      value: z.number().nullable().describe("null: not observed"),
      baseline: z.number().nullable().describe("the previous release's value; null: none or not observed"),
      max: z.number().optional(),
      maxIncrease: z.number().optional(),
      verdict: Verdict,
      reason: z.string(),
      series: z.array(z.tuple([z.number(), z.number()])).describe("[unixSeconds, value]"),
    }),
  ),
  notes: z.array(z.string()),
});

/** The report as the tool gives it: each signal without what is only for the app, its series as tuples. */
function structuredOf(report: SignalsReport) {
  return {
    ...report,
    signals: report.signals.map(({ broken: _broken, series, ...s }) => ({ ...s, series: series.map(([t, v]) => [t, v] as [number, number]) })),
  };
}

export const signalsTool = defineTool({
  name: "ferry_signals",
  title: "Golden signals of a component in an environment",
  description:
    "Reads the component's golden signals (error ratio, p95 latency, restarts, CPU and memory against requests, and the platform's own) " +
    "from the environment's Prometheus, each over `since`, beside the previous release's values over an equal window before this release landed, " +
    "and judges them against the bounds of the pipeline step's verify: verified, failed (which signal, value, bound, baseline), verifying or " +
    "not-observed (a signal that cannot be read is never a pass). An environment on several clusters gives each cluster's report (its own Prometheus) " +
    "and the worst verdict. The Prometheus endpoint is the platform's; as `ferry signals`.",
  input: {
    component: ComponentName,
    env: z.string().describe("the environment"),
    since: Duration.optional().describe("the window each value is computed over (${window}) and the span of the series, e.g. 30s, 5m, 1h; default 5m"),
    release: ReleaseId.optional().describe("judge this release instead of the one the environment's GitOps history says runs there"),
    ...PlatformArg,
  },
  output: {
    ...ReportOut.shape,
    release: z.string().optional().describe("absent only for an environment on several clusters whose clusters judged different releases"),
    window: Window,
    signals: ReportOut.shape.signals.optional().describe("absent for an environment on several clusters: each cluster's are in clusters"),
    clusters: z
      .array(ReportOut)
      .optional()
      .describe(
        "an environment on several clusters: each cluster's report (wave order), from its own folder's history and its own Prometheus; " +
          "verdict is then the worst of theirs (failed, then not-observed, then verifying, then verified) and notes name each cluster not verified",
      ),
  },
  annotations: REMOTE_READ,
  writes: false,
  async run({ component, env, since, release, ...args }, context) {
    const bundle = platformBundle(args, context);
    const [project = "", name = ""] = component.split("/");
    if (!(await (await componentSight(bundle, context))(project, name))) throw new UsageError(`component: no component ${component} you can see`);
    let report;
    try {
      report = await readSignals({
        platform: bundle,
        project,
        component: name,
        env,
        ...(since !== undefined ? { since } : {}),
        ...(release !== undefined ? { release } : {}),
        cacheDir: context.variables.FERRY_CACHE_DIR,
        variables: context.variables,
      });
    } catch (e) {
      if (e instanceof GitopsError) throw new UsageError(`gitops: ${e.message}`);
      throw e;
    }
    const structured = isClustersReport(report) ? { ...report, clusters: report.clusters.map(structuredOf) } : structuredOf(report);
    return { structured, text: formatEnvironmentSignalsText(report) };
  },
});
