/** ferry_drift: `ferry drift` (operations/drift.ts): drift between environments and between git and the clusters. */
import { z } from "zod";
import { driftJson } from "../../core/drift/report.js";
import { UsageError } from "../../operations/errors.js";
import { driftOfEnvironments } from "../../operations/drift.js";
import { visible } from "../access.js";
import { componentSight } from "../components.js";
import { KubeconfigArg } from "../cluster.js";
import { EnvArg, PlatformArg, platformBundle } from "../workspace.js";
import { GitopsArgs, gitopsVariables } from "./history.js";
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
  clusters: z
    .array(
      z.object({
        environment: z.string(),
        state: z.enum(["clean", "drift", "not read", "not compared"]),
        clusters: z.array(z.object({ name: z.string(), state: z.enum(["clean", "drift", "not read", "not compared"]), findings: z.number() })),
      }),
    )
    .optional()
    .describe("each environment on several clusters: each cluster against its own folder, and the aggregate (clean only when every cluster is)"),
};
type DriftJson = z.infer<z.ZodObject<typeof DriftOut>>;

const CLUSTER_KINDS = new Set(["missing", "modified", "orphan"]);

export const driftTool = defineTool({
  name: "ferry_drift",
  title: "Drift",
  description:
    "Reads each environment's GitOps repository and, where it has a cluster context, its cluster: which release each environment runs per component, " +
    "differences between environments on one release beyond their declared overrides, and objects missing, modified or orphaned in the clusters (as `ferry drift`; " +
    "an environment on several clusters: each cluster against its own folder, findings naming their cluster, and the aggregate).",
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
      variables: gitopsVariables(gitops, context),
    });
    if (!outcome.ok) throw new UsageError(`gitops: ${outcome.error}`);
    const json = driftJson(outcome.report) as DriftJson;
    if (context.access.everything) return { structured: json };
    const sight = await componentSight(bundle, context);
    const names = new Set<string>();
    for (const item of [...json.releases, ...json.findings, ...json.notes]) if (typeof item.component === "string") names.add(item.component);
    const visibleNames = new Set<unknown>();
    for (const name of names) {
      const [project = "", component = ""] = name.split("/");
      if (await sight(project, component)) visibleNames.add(name);
    }
    const repos = [...new Set(bundle.platform.spec.projects.flatMap((p) => p.repos))];
    const seesEveryRepo = (await visible(context.access, repos, (r) => r)).length === repos.length;
    const notes = json.notes.filter((n) => n.component === undefined || visibleNames.has(n.component));
    if (!seesEveryRepo)
      notes.push({
        message: "cluster findings (missing, modified, orphan objects) are shown only to people who can read every repository the platform's projects list",
      });
    const findings = json.findings.filter((f) => (CLUSTER_KINDS.has(f.kind) ? seesEveryRepo : visibleNames.has(f.component)));
    const { clusters, ...rest } = json;
    return {
      structured: {
        ...rest,
        // The clusters' states count cluster findings: only for those who see them.
        ...(clusters !== undefined && seesEveryRepo ? { clusters } : {}),
        drift: findings.length > 0,
        releases: json.releases.filter((r) => visibleNames.has(r.component)),
        findings,
        notes,
      },
    };
  },
});
