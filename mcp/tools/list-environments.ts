/** ferry_list_environments: the platform's environments in pipeline order, with the pipeline and each promotion's gates (core/environments.ts). */
import { z } from "zod";
import { environmentsOf } from "../../core/environments.js";
import { PlatformArg, platformBundle } from "../workspace.js";
import { LOCAL_READ, defineTool } from "./tool.js";

const EnvironmentOut = z.object({
  name: z.string(),
  production: z.boolean(),
  cluster: z.string().optional().describe("kubeconfig context"),
  gitops: z.object({ repo: z.string(), branch: z.string(), path: z.string() }),
  namespace: z.string().describe("namespace template"),
  promotesTo: z.array(z.string()),
  gates: z.object({
    policies: z.literal(true),
    approvals: z.object({ required: z.number().int(), teams: z.array(z.string()) }),
    window: z.object({ days: z.array(z.string()), hours: z.string(), timezone: z.string() }).optional(),
    from: z.array(
      z.object({ from: z.string(), soak: z.string().optional(), healthRequired: z.string().optional().describe("why the source must be observed healthy") }),
    ),
    autoMerge: z.boolean(),
    commandPermission: z.string().describe("least role on the app repository for /ferry promote and rollback"),
  }),
});

export const listEnvironmentsTool = defineTool({
  name: "ferry_list_environments",
  title: "List environments and the pipeline",
  description:
    "The platform's environments in pipeline order: cluster context, GitOps target, namespace, where each promotes to, and the gates of a promotion into it " +
    "(policies, approvals, change window, soak and source health per incoming step, auto-merge, the role /ferry commands need).",
  input: PlatformArg,
  output: {
    environments: z.array(EnvironmentOut),
    pipeline: z.array(z.object({ from: z.string(), to: z.array(z.string()), soak: z.string().optional() })),
  },
  annotations: LOCAL_READ,
  writes: false,
  async run(args, context) {
    const { platform } = platformBundle(args, context);
    const pipeline = platform.spec.pipeline.map((s) => ({ from: s.from, to: s.to, ...(s.soak ? { soak: s.soak } : {}) }));
    return { structured: { environments: environmentsOf(platform), pipeline } };
  },
});
