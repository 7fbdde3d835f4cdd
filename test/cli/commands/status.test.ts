/**
 * `ferry status` run in-process against the fake Kubernetes API (HTTPS, its own CA, a kubeconfig
 * file written by the fake's helpers): the table, the diagnosis, JSON, exit codes.
 */
import { createServer } from "node:net";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { snapshotCluster } from "../../../adapters/kube/snapshot.js";
import { componentStatuses } from "../../../core/status/overview.js";
import { formatStatusMarkdown } from "../../../presentation/markdown/status-overview.js";
import { status } from "../../../cli/commands/status.js";
import { EXIT, UsageError, type CliIo } from "../../../cli/io.js";
import { crashLoopRollout, FakeKube, generateCerts, succeedingRollout, writeKubeconfig, type FakeKubeCerts } from "../../support/fake-kube/index.js";
import { Scratch } from "../../support/workspace.js";
import { RELEASE_1, RELEASE_2 } from "../../support/status-scene.js";

const PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
    - name: pay
      repos: [acme/pay]
  environments:
    - name: dev
      cluster: {context: kind-dev}
      gitops: {repo: acme/gitops, path: environments/dev}
    - name: staging
      gitops: {repo: acme/gitops, path: environments/staging}
    - name: prod
      production: true
      cluster: {context: kind-prod}
      gitops: {repo: acme/gitops-prod, path: environments/prod}
  pipeline:
    - from: dev
      to: [staging]
    - from: staging
      to: [prod]
`;

const LOG = ["starting shop api", "panic: config key DATABASE_URL is missing"];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command as `ferry` does (usage errors exit 2). */
async function ferryStatus(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env };
  try {
    return { code: await status.run(args, io), stdout, stderr };
  } catch (e) {
    if (e instanceof UsageError) return { code: EXIT.usage, stdout, stderr: `${stderr}${e.message}\n` };
    throw e;
  }
}

let certs: FakeKubeCerts;
let kube: FakeKube;
let s: Scratch;
let platform: string;
let kubeconfig: string;

beforeAll(() => {
  certs = generateCerts();
});

beforeEach(async () => {
  kube = await FakeKube.start({ certs });
  s = new Scratch();
  platform = s.write("platform", { ".ferry/platform.yaml": PLATFORM });
  kubeconfig = writeKubeconfig(
    s.path("kubeconfig.yaml"),
    ["kind-dev", "kind-prod"].map((context) => ({ context, server: kube.url, caPem: kube.caPem, token: kube.token })),
  );
  // Recent timestamps: the command judges warning events against the real clock.
  const now = new Date();
  for (const step of succeedingRollout({ project: "shop", component: "api", environment: "dev", release: RELEASE_2, now }).steps) kube.applyStep(step);
  for (const step of succeedingRollout({ project: "shop", component: "web", environment: "dev", release: RELEASE_1, replicas: 1, now }).steps)
    kube.applyStep(step);
  for (const step of crashLoopRollout(
    { project: "shop", component: "api", environment: "prod", release: RELEASE_2, now, generation: 2 },
    { previousRelease: RELEASE_1, logLines: LOG },
  ).steps)
    kube.applyStep(step);
});

afterEach(async () => {
  await kube.close();
  s.cleanup();
});

describe("ferry status", () => {
  it("prints a table and exits 0 when every selected component is healthy", async () => {
    const run = await ferryStatus(["--platform", platform, "--env", "dev", "--kubeconfig", kubeconfig]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ENVIRONMENT\s+COMPONENT\s+STATUS\s+RELEASE\s+READY\s+REASON$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/))).toEqual([
      ["dev", "shop/api", "Healthy", RELEASE_2, "2/2"],
      ["dev", "shop/web", "Healthy", RELEASE_1, "1/1"],
    ]);
  });

  it("exits 1 for a degraded component, naming it, with the reason, diagnosis and log lines", async () => {
    const run = await ferryStatus(["--platform", platform, "--kubeconfig", kubeconfig]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^prod\\s+shop/api\\s+Degraded\\s+${RELEASE_1} -> ${RELEASE_2}\\s+2/2\\s+CrashLoopBackOff in 1 pod$`, "m"));
    expect(run.stdout).toContain("staging: skipped (no cluster context in the platform (environments[].cluster.context))");
    expect(run.stdout).toContain('prod shop/api: Degraded\n  CrashLoopBackOff: Container "main" keeps crashing (exit code 1)');
    expect(run.stdout).toContain("    suggestion: Read the last log lines of the previous container below");
    expect(run.stdout).toContain(LOG.map((l) => `      | ${l}`).join("\n"));
    expect(run.stderr).toBe("ferry status: 1 problem:\n  prod shop/api: Degraded (CrashLoopBackOff in 1 pod)\n");
  });

  it("gives the same as JSON", async () => {
    const run = await ferryStatus(["--platform", platform, "--kubeconfig", kubeconfig, "--json"]);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as {
      ok: boolean;
      problems: string[];
      environments: {
        environment: string;
        skipped?: string;
        components: {
          project: string;
          component: string;
          status: string;
          release: string | null;
          desiredRelease: string | null;
          diagnosis: { findings: { kind: string; logTail?: string[] }[] };
        }[];
      }[];
    };
    expect(out.ok).toBe(false);
    expect(out.problems).toEqual(["prod shop/api: Degraded (CrashLoopBackOff in 1 pod)"]);
    expect(out.environments.map((e) => [e.environment, e.components.map((c) => `${c.project}/${c.component}:${c.status}`)])).toEqual([
      ["dev", ["shop/api:Healthy", "shop/web:Healthy"]],
      ["staging", []],
      ["prod", ["shop/api:Degraded"]],
    ]);
    const prod = out.environments[2]!.components[0]!;
    expect(prod).toMatchObject({ release: RELEASE_1, desiredRelease: RELEASE_2 });
    expect(prod.diagnosis.findings).toMatchObject([{ kind: "CrashLoopBackOff", logTail: LOG }]);
  });

  it("selects components by name or project/name, and says when one is found nowhere", async () => {
    const web = await ferryStatus(["--platform", platform, "--kubeconfig", kubeconfig, "--component", "web"]);
    expect(web.code).toBe(0);
    expect(web.stdout).toMatch(/^dev\s+shop\/web\s+Healthy/m);
    expect(web.stdout).not.toContain("shop/api");
    expect(web.stdout).toContain("prod: no components found in context kind-prod");

    const api = await ferryStatus(["--platform", platform, "--kubeconfig", kubeconfig, "-c", "shop/api", "-e", "prod"]);
    expect(api.code).toBe(1);
    expect(api.stdout).toMatch(/^prod\s+shop\/api\s+Degraded/m);

    const none = await ferryStatus(["--platform", platform, "--kubeconfig", kubeconfig, "--env", "dev", "--component", "pay/ledger"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("  pay/ledger: not found in dev\n");
  });

  it("reads KUBECONFIG from the environment when --kubeconfig is not given", async () => {
    const run = await ferryStatus(["--platform", platform, "--env", "dev"], { KUBECONFIG: kubeconfig });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^dev\s+shop\/api\s+Healthy/m);
  });

  it("exits 1 and says which environment is unreachable", async () => {
    const closed = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, "127.0.0.1", () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });
    const broken = writeKubeconfig(s.path("broken.yaml"), [
      { context: "kind-dev", server: kube.url, caPem: kube.caPem, token: kube.token },
      { context: "kind-prod", server: `https://127.0.0.1:${closed}`, caPem: kube.caPem, token: kube.token },
    ]);
    const run = await ferryStatus(["--platform", platform, "--kubeconfig", broken]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^prod\s+-\s+Unreachable\s+-\s+-\s+cannot read context "kind-prod": .*ECONNREFUSED/m);
    expect(run.stdout).toMatch(/^dev\s+shop\/api\s+Healthy/m);
    expect(run.stderr).toMatch(/^ {2}prod: unreachable \(cannot read context "kind-prod": .*ECONNREFUSED/m);

    const devOnly = writeKubeconfig(s.path("dev-only.yaml"), [{ context: "kind-dev", server: kube.url, caPem: kube.caPem, token: kube.token }]);
    const missing = await ferryStatus(["--platform", platform, "--kubeconfig", devOnly, "--env", "prod"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('prod: unreachable (kubeconfig has no context "kind-prod" (contexts: "kind-dev"))');
  });

  it("exits 2 on usage errors", async () => {
    const cases: [string[], RegExp][] = [
      [["--kubeconfig", kubeconfig], /--platform is required/],
      [["--platform", platform, "--env", "qa"], /unknown environment qa; the platform has dev, staging, prod/],
      [["--platform", platform, "--env", "staging"], /no selected environment has a cluster context/],
      [["--platform", platform, "--component", "Bad_Name", "--component", "ops/api"], /"Bad_Name" is not a component name.*\n.*unknown project "ops"/],
      [["--platform", platform, "--colour"], /Unknown option '--colour'/],
      [["--platform", platform, "extra"], /unexpected argument "extra"/],
    ];
    for (const [args, message] of cases) {
      const run = await ferryStatus(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toMatch(message);
    }
    const help = await ferryStatus(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("ferry status --platform DIR");
  });

  it("exits 1 when the platform or the kubeconfig cannot be read", async () => {
    const bad = s.write("bad-platform", { ".ferry/platform.yaml": "kind: Platform\n" });
    const run = await ferryStatus(["--platform", bad, "--kubeconfig", kubeconfig]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("ferry status: the platform has errors");
    const nofile = await ferryStatus(["--platform", platform, "--kubeconfig", s.path("missing.yaml")]);
    expect(nofile.code).toBe(1);
    expect(nofile.stderr).toMatch(/cannot load the kubeconfig .*missing\.yaml/);
  });

  it("renders the same overview as Markdown for /ferry status replies", async () => {
    const source = { kind: "file" as const, path: kubeconfig };
    const dev = await snapshotCluster("kind-dev", { environment: "dev" }, { kubeConfig: source });
    const prod = await snapshotCluster("kind-prod", { environment: "prod" }, { kubeConfig: source });
    const md = formatStatusMarkdown([
      { environment: "dev", context: "kind-dev", components: componentStatuses(dev, "dev") },
      { environment: "staging", skipped: "no cluster context", components: [] },
      { environment: "prod", context: "kind-prod", components: componentStatuses(prod, "prod") },
    ]);
    expect(md).toContain(`| dev | \`shop/api\` | ✅ Healthy | \`${RELEASE_2}\` | 2/2 |  |`);
    expect(md).toContain("| staging | – | ➖ not observed | – | – | no cluster context |");
    expect(md).toContain(`| prod | \`shop/api\` | ❌ Degraded | \`${RELEASE_1}\` → \`${RELEASE_2}\` | 2/2 | CrashLoopBackOff in 1 pod |`);
    expect(md).toContain("### ❌ shop/api in prod (`kind-prod`): Degraded");
    expect(md).toContain(["```text", ...LOG, "```"].join("\n"));
  });
});
