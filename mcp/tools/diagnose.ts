/**
 * ferry_diagnose: one component's health in every environment's cluster, with the findings and
 * what to do (the diagnosis of `ferry status`), and per environment the ranked likely causes with
 * their evidence (`ferry diagnose`, operations/diagnose.ts).
 */
import { z } from "zod";
import { GitopsError } from "../../adapters/git/errors.js";
import { CAUSE_KINDS, CONFIDENCES, EVIDENCE_KINDS } from "../../core/diagnosis/model.js";
import { diagnoseComponent } from "../../operations/diagnose.js";
import { FindingOut, KubeconfigArg, visibleStatus } from "../cluster.js";
import { UsageError } from "../../operations/errors.js";
import { Duration } from "../../renderers/model/index.js";
import { componentSight } from "../components.js";
import { EnvArg, PlatformArg, platformBundle } from "../workspace.js";
import { ComponentName } from "./get-component.js";
import { REMOTE_READ, defineTool } from "./tool.js";

const CauseOut = z.object({
  kind: z.enum(CAUSE_KINDS).describe("what it blames: an upstream dependency, this release, this component's pods, or a signal that moved on its own"),
  subject: z.string().describe("project/component, the release id, the finding's kind or the signal's name"),
  summary: z.string(),
  rank: z.number().int().describe("1 is the most likely"),
  confidence: z.enum(CONFIDENCES),
  cluster: z.string().optional().describe("an environment on several clusters: the cluster whose evidence this cause stands on"),
  evidence: z.array(
    z.object({
      kind: z.enum(EVIDENCE_KINDS),
      text: z.string(),
      value: z.number().optional(),
      at: z.number().optional().describe("unix seconds"),
    }),
  ),
});

export const diagnoseTool = defineTool({
  name: "ferry_diagnose",
  title: "Diagnose a component",
  description:
    "Why a component is not healthy: for each environment whose cluster runs it, its status, the release, ready/desired replicas, " +
    "the most likely cause and every finding with a suggestion, the pods showing it and supporting log lines; and the likely causes ranked " +
    "deterministically, each with its evidence: which signals moved and when against the release landing (the environment's GitOps history, " +
    "its Prometheus over `since`), pod states, warning events, first error log lines, and the dependencies' health and signals (an upstream " +
    "whose signals rose first is named ahead of the release). As `ferry diagnose`.",
  input: {
    component: ComponentName,
    since: Duration.optional().describe("how far back the signals are read (${window} and the series' span), e.g. 15m, 1h; default 30m"),
    ...PlatformArg,
    ...EnvArg,
    ...KubeconfigArg,
  },
  output: {
    component: z.string(),
    healthy: z.boolean().describe("Healthy or Suspended wherever it runs"),
    environments: z.array(
      z.object({
        environment: z.string(),
        status: z.string(),
        message: z.string(),
        release: z.string().nullable(),
        readyReplicas: z.number().int(),
        desiredReplicas: z.number().int(),
        summary: z.string(),
        findings: z.array(FindingOut),
        causes: z.array(CauseOut).describe("likely causes, most likely first; empty when nothing moved and the pods are fine, or nothing could be read"),
        landedAt: z.number().optional().describe("when the release landed (unix seconds), from the GitOps history"),
        notes: z.array(z.string()).describe("what the causes could not see: signals not observed, no landing time, the history unreadable"),
      }),
    ),
    unreachable: z.array(z.object({ environment: z.string(), reason: z.string() })),
  },
  annotations: REMOTE_READ,
  writes: false,
  async run({ component, since, ...args }, context) {
    const status = await visibleStatus({ ...args, components: [component] }, context);
    const bundle = platformBundle(args, context);
    const sees = await componentSight(bundle, context);
    const [project = "", name = ""] = component.split("/");
    const causesIn = async (env: string) => {
      try {
        const d = await diagnoseComponent({
          platform: bundle,
          project,
          component: name,
          env,
          ...(since !== undefined ? { since } : {}),
          ...(args.kubeconfig !== undefined ? { kubeconfig: args.kubeconfig } : {}),
          cacheDir: context.variables.FERRY_CACHE_DIR,
          variables: context.variables,
          sees,
        });
        return { causes: d.causes, ...(d.landedAt !== undefined ? { landedAt: d.landedAt } : {}), notes: [...d.notes] };
      } catch (e) {
        if (e instanceof UsageError || e instanceof GitopsError) return { causes: [], notes: [`causes not ranked: ${e.message}`] };
        throw e;
      }
    };
    const seen = status.environments.flatMap((e) => e.components.map((c) => ({ environment: e.environment, c })));
    const ranked = await Promise.all(seen.map(({ environment }) => causesIn(environment)));
    const environments = seen.map(({ environment, c }, i) => ({
      environment,
      status: c.status,
      message: c.message,
      release: c.release,
      readyReplicas: c.readyReplicas,
      desiredReplicas: c.desiredReplicas,
      summary: c.diagnosis.summary,
      findings: c.diagnosis.findings,
      ...ranked[i]!,
    }));
    const unreachable = status.environments.flatMap((e) => (e.unreachable === undefined ? [] : [{ environment: e.environment, reason: e.unreachable }]));
    if (environments.length === 0 && unreachable.length === 0) throw new UsageError(`component: no cluster runs a component ${component} you can see`);
    return {
      structured: { component, healthy: environments.every((e) => e.status === "Healthy" || e.status === "Suspended"), environments, unreachable },
    };
  },
});
