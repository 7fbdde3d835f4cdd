/** The cluster status the status tools share: `ferry status` (operations/status.ts) narrowed to the components the caller sees. */
import { z } from "zod";
import { HealthStatus } from "../core/status/health.js";
import { statusJson, type EnvironmentStatus } from "../core/status/overview.js";
import { UsageError } from "../operations/errors.js";
import { clusterStatus } from "../operations/status.js";
import { componentSight } from "./components.js";
import { serverSide, type ToolContext } from "./tools/tool.js";
import { platformBundle } from "./workspace.js";

export const KubeconfigArg = {
  kubeconfig: serverSide(
    z.string().min(1).optional().describe("kubeconfig file; default: $KUBECONFIG of the server, else ~/.kube/config, else in-cluster"),
    "each environment's cluster is the context the platform names, in the server's own kubeconfig",
  ),
};

export const FindingOut = z.object({
  kind: z.string(),
  cause: z.string(),
  suggestion: z.string(),
  pods: z.array(z.string()),
  logTail: z.array(z.string()).optional(),
  logSource: z.string().optional(),
});

export const ComponentStatusOut = z.object({
  project: z.string(),
  component: z.string(),
  status: HealthStatus,
  message: z.string(),
  release: z.string().nullable().describe("the release the ready pods run"),
  desiredRelease: z.string().nullable().describe("the release being rolled out"),
  readyReplicas: z.number().int(),
  desiredReplicas: z.number().int(),
  reasons: z.array(z.record(z.string(), z.unknown())),
  warnings: z.array(z.record(z.string(), z.unknown())),
  diagnosis: z.object({ summary: z.string(), findings: z.array(FindingOut) }),
  clusters: z
    .array(
      z.object({
        name: z.string(),
        wave: z.number().int(),
        context: z.string(),
        unreachable: z.string().optional(),
        status: HealthStatus,
        message: z.string(),
        release: z.string().nullable(),
        desiredRelease: z.string().nullable(),
        readyReplicas: z.number().int(),
        desiredReplicas: z.number().int(),
        reasons: z.array(z.record(z.string(), z.unknown())),
        warnings: z.array(z.record(z.string(), z.unknown())),
        diagnosis: z.object({ summary: z.string(), findings: z.array(FindingOut) }),
      }),
    )
    .optional()
    .describe("for an environment on several clusters: the component in each cluster (wave order); status and message above are the aggregate"),
});

export const StatusOut = {
  ok: z.boolean().describe("every component Healthy or Suspended and every environment reachable"),
  problems: z.array(z.string()),
  environments: z.array(
    z.object({
      environment: z.string(),
      context: z.string().optional(),
      unreachable: z.string().optional(),
      skipped: z.string().optional(),
      components: z.array(ComponentStatusOut),
    }),
  ),
};
type StatusJson = z.infer<z.ZodObject<typeof StatusOut>>;

export interface StatusArgs {
  readonly platform?: string;
  readonly env?: readonly string[];
  readonly components: readonly string[];
  readonly kubeconfig?: string;
}

/** Reads the clusters once and keeps only the components the caller sees (`componentSight`). */
export async function visibleStatus(args: StatusArgs, context: ToolContext): Promise<StatusJson> {
  const bundle = platformBundle(args, context);
  const outcome = await clusterStatus({
    platform: bundle,
    envs: args.env ?? [],
    components: args.components,
    kubeconfig: args.kubeconfig,
    variables: context.variables,
  });
  if (!outcome.ok) throw new UsageError(`kubeconfig: ${outcome.error}`);
  const sees = await componentSight(bundle, context);
  const statuses: EnvironmentStatus[] = [];
  for (const e of outcome.report.statuses) {
    const seen = await Promise.all(e.components.map((c) => sees(c.key.project, c.key.component)));
    statuses.push({ ...e, components: e.components.filter((_, i) => seen[i]) });
  }
  return statusJson(statuses, outcome.report.filter) as StatusJson;
}
