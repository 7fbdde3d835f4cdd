/** ferry_drift: `ferry drift` (operations/drift.ts): drift between environments and between git and the clusters. */
import { z } from "zod";
import { driftJson } from "../../core/drift/report.js";
import { UsageError } from "../../operations/errors.js";
import { driftOfEnvironments } from "../../operations/drift.js";
import { seesProject } from "../access.js";
import { KubeconfigArg } from "../cluster.js";
import { EnvArg, PlatformArg, platformBundle } from "../workspace.js";
import { GitopsArgs } from "./history.js";
import { REMOTE_READ, defineTool } from "./tool.js";

const DriftOut = {
  drift: z.boolean(),
  environments: z.array(z.string()),
  releases: z.array(z.object({ component: z.string(), releases: z.record(z.string(), z.string().nullable()) })),
  findings: z
    .array(z.object({ kind: z.enum(["release", "environments", "missing", "modified", "orphan"]) }).loose())
    .describe("release: environments run different releases; environments: same release, manifests differ; missing/modified/orphan: git against the cluster"),
  notes: z.array(z.object({ environment: z.string().optional(), component: z.string().optional(), message: z.string() })),
  problems: z.array(z.string()),
};
type DriftJson = z.infer<z.ZodObject<typeof DriftOut>>;

const CLUSTER_KINDS = new Set(["missing", "modified", "orphan"]);

export const driftTool = defineTool({
  name: "ferry_drift",
  title: "Drift",
  description:
    "Reads each environment's GitOps repository and, where it has a cluster context, its cluster: which release each environment runs per component, " +
    "differences between environments on one release beyond their declared overrides, and objects missing, modified or orphaned in the clusters (as `ferry drift`).",
  input: { ...PlatformArg, ...EnvArg, ...GitopsArgs, ...KubeconfigArg },
  output: DriftOut,
  annotations: REMOTE_READ,
  writes: false,
  async run({ env, gitops, branch, path, kubeconfig, ...args }, context) {
    const bundle = platformBundle(args, context);
    const outcome = await driftOfEnvironments({
      platform: bundle,
      envs: env ?? [],
      target: { gitops, branch, path },
      cacheDir: context.variables.FERRY_CACHE_DIR,
      kubeconfig,
      variables: context.variables,
    });
    if (!outcome.ok) throw new UsageError(`gitops: ${outcome.error}`);
    const json = driftJson(outcome.report) as DriftJson;
    if (context.access.everything) return { structured: json };
    const projects = bundle.platform.spec.projects.map((p) => p.name);
    const seen = new Map<string, boolean>();
    for (const p of projects) seen.set(p, await seesProject(context.access, bundle.platform, p));
    const sees = (component: unknown) => typeof component === "string" && seen.get(component.split("/")[0] ?? "") === true;
    const allProjects = projects.every((p) => seen.get(p));
    const notes = json.notes.filter((n) => n.component === undefined || sees(n.component));
    if (!allProjects)
      notes.push({ message: "cluster findings (missing, modified, orphan objects) are shown only to people who can see every project's repositories" });
    const findings = json.findings.filter((f) => (CLUSTER_KINDS.has(f.kind) ? allProjects : sees((f as { component?: unknown }).component)));
    return {
      structured: {
        ...json,
        drift: findings.length > 0,
        releases: json.releases.filter((r) => sees(r.component)),
        findings,
        notes,
      },
    };
  },
});
