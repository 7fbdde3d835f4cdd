/** ferry_cost: `ferry cost` (operations/cost.ts) on the app checkouts the caller sees; with `usage`, suggestions from the clusters' PodMetrics. */
import { z } from "zod";
import { costJson } from "../../core/cost-report.js";
import { costWorkspace } from "../../operations/cost.js";
import { DiagnosticOut } from "../schemas.js";
import { WorkspaceArgs, workspaceInput } from "../workspace.js";
import { REMOTE_READ, defineTool } from "./tool.js";

const ComponentCostOut = z.object({
  project: z.string(),
  component: z.string(),
  monthly: z.number().describe("the figure: autoscaled workloads at their minimum replicas"),
  min: z.number(),
  max: z.number().describe("autoscaled workloads at their maximum replicas"),
  replicas: z.number().int().optional(),
  maxReplicas: z.number().int().optional(),
  cpu: z.number().describe("cores requested in total"),
  memoryGiB: z.number(),
  storageGiB: z.number(),
  notes: z.array(z.string()).optional().describe("what was not costed and why"),
  clusters: z
    .array(
      z.object({
        name: z.string(),
        monthly: z.number(),
        min: z.number(),
        max: z.number(),
        replicas: z.number().int().optional(),
        maxReplicas: z.number().int().optional(),
        cpu: z.number(),
        memoryGiB: z.number(),
        storageGiB: z.number(),
      }),
    )
    .optional()
    .describe("an environment on several clusters: the component's estimate in each (the figures above are their sum)"),
});

const SuggestionOut = z.object({
  project: z.string(),
  component: z.string(),
  container: z.string(),
  resource: z.enum(["cpu", "memory"]),
  unit: z.enum(["cores", "bytes"]),
  request: z.number(),
  usage: z.number().describe("the highest usage among the pods measured"),
  ratio: z.number().describe("usage / request"),
  pods: z.number().int(),
  verdict: z.string(),
  suggested: z.number(),
  replicas: z.number().int(),
  monthlyDelta: z.number().describe("(suggested - request) x replicas x price; negative is a saving"),
});

export const costTool = defineTool({
  name: "ferry_cost",
  title: "Estimate monthly cost",
  description:
    "Monthly cost per component, project and environment (and per cluster of an environment on several, each counted) from the rendered manifests (requests x replicas, autoscaler range, volume claims) at the platform's prices. " +
    "With usage: true, reads observed usage (metrics.k8s.io PodMetrics) from each environment's cluster and suggests requests where usage stays under 50% or over 90% of them, " +
    "with the saving or the risk in money and every number used.",
  input: {
    ...WorkspaceArgs,
    usage: z.boolean().optional().describe("read observed usage from the clusters (KUBECONFIG) and suggest requests; default false"),
  },
  output: {
    ok: z.boolean().describe("the inputs have no error"),
    currency: z.string().optional(),
    environments: z.array(
      z.object({
        name: z.string(),
        monthly: z.number(),
        max: z.number(),
        projects: z.array(z.object({ project: z.string(), monthly: z.number(), max: z.number() })),
        components: z.array(ComponentCostOut),
        clusters: z
          .array(z.object({ name: z.string(), monthly: z.number(), max: z.number() }))
          .optional()
          .describe("an environment on several clusters: each cluster's total"),
      }),
    ),
    usage: z
      .array(
        z.object({
          environment: z.string(),
          cluster: z.string().optional().describe("an environment on several clusters: each cluster is read through its own context"),
          context: z.string().optional(),
          skipped: z.string().optional(),
          suggestions: z.array(SuggestionOut),
        }),
      )
      .optional(),
    diagnostics: z.array(DiagnosticOut),
  },
  // With `usage` it reads the clusters; without, only the caller's disk.
  annotations: REMOTE_READ,
  writes: false,
  async run(args, context) {
    const input = await workspaceInput(args, context);
    if (!input) return { structured: { ok: true, environments: [], diagnostics: [] } };
    const outcome = await costWorkspace({ ...input, usage: args.usage ?? false }, context.variables);
    if (!outcome.ok) return { structured: { ok: false, environments: [], diagnostics: outcome.diagnostics }, isError: true };
    const report = costJson(outcome.report) as { currency: string; environments: []; usage?: [] };
    return { structured: { ok: true, ...report, diagnostics: outcome.diagnostics } };
  },
});
