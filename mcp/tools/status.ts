/** ferry_status: `ferry status`: what the clusters run, per environment and component, with health and a diagnosis. */
import { z } from "zod";
import { KubeconfigArg, StatusOut, visibleStatus } from "../cluster.js";
import { EnvArg, PlatformArg } from "../workspace.js";
import { REMOTE_READ, defineTool } from "./tool.js";

export const statusTool = defineTool({
  name: "ferry_status",
  title: "Cluster status",
  description:
    "Reads each environment's cluster (its kubeconfig context) once and returns, per component: status (Healthy, Progressing, Degraded, Suspended, Unknown), " +
    "the release the ready pods run and the one being rolled out, ready/desired replicas, reasons, and a diagnosis for anything not healthy (as `ferry status`).",
  input: {
    ...PlatformArg,
    ...EnvArg,
    components: z.array(z.string()).optional().describe("only these components, name or project/name; default: all"),
    ...KubeconfigArg,
  },
  output: StatusOut,
  annotations: REMOTE_READ,
  writes: false,
  async run({ components, ...args }, context) {
    return { structured: await visibleStatus({ ...args, components: components ?? [] }, context) };
  },
});
