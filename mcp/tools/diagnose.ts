/** ferry_diagnose: one component's health in every environment's cluster, with the likely causes and what to do (the diagnosis of `ferry status`). */
import { z } from "zod";
import { FindingOut, KubeconfigArg, visibleStatus } from "../cluster.js";
import { UsageError } from "../../operations/errors.js";
import { EnvArg, PlatformArg } from "../workspace.js";
import { ComponentName } from "./get-component.js";
import { REMOTE_READ, defineTool } from "./tool.js";

export const diagnoseTool = defineTool({
  name: "ferry_diagnose",
  title: "Diagnose a component",
  description:
    "Why a component is not healthy: for each environment whose cluster runs it, its status, the release, ready/desired replicas, " +
    "the most likely cause and every finding with a suggestion, the pods showing it and supporting log lines.",
  input: { component: ComponentName, ...PlatformArg, ...EnvArg, ...KubeconfigArg },
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
      }),
    ),
    unreachable: z.array(z.object({ environment: z.string(), reason: z.string() })),
  },
  annotations: REMOTE_READ,
  writes: false,
  async run({ component, ...args }, context) {
    const status = await visibleStatus({ ...args, components: [component] }, context);
    const environments = status.environments.flatMap((e) =>
      e.components.map((c) => ({
        environment: e.environment,
        status: c.status,
        message: c.message,
        release: c.release,
        readyReplicas: c.readyReplicas,
        desiredReplicas: c.desiredReplicas,
        summary: c.diagnosis.summary,
        findings: c.diagnosis.findings,
      })),
    );
    const unreachable = status.environments.flatMap((e) => (e.unreachable === undefined ? [] : [{ environment: e.environment, reason: e.unreachable }]));
    if (environments.length === 0 && unreachable.length === 0) throw new UsageError(`component: no cluster runs a component ${component} you can see`);
    return {
      structured: { component, healthy: environments.every((e) => e.status === "Healthy" || e.status === "Suspended"), environments, unreachable },
    };
  },
});
