/**
 * `ferry status` for an environment on several clusters (prod on eu-1 and us-1, two fake
 * Kubernetes API servers): the aggregate row naming the crashing cluster, a row per cluster, and
 * JSON's `clusters` beside the aggregate.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { status } from "../../../cli/commands/status.js";
import { EXIT, UsageError, type CliIo } from "../../../cli/io.js";
import { crashLoopRollout, FakeKube, generateCerts, succeedingRollout, writeKubeconfig, type FakeKubeCerts } from "../../support/fake-kube/index.js";
import { Scratch } from "../../support/workspace.js";
import { RELEASE_2 } from "../../support/status-scene.js";

const PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  environments:
    - name: prod
      production: true
      gitops: {repo: acme/gitops, path: environments/prod}
      clusters:
        - {name: us-1, context: kind-us, wave: 2}
        - {name: eu-1, context: kind-eu, wave: 1}
`;

async function ferryStatus(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} };
  try {
    return { code: await status.run(args, io), stdout, stderr };
  } catch (e) {
    if (e instanceof UsageError) return { code: EXIT.usage, stdout, stderr: `${stderr}${e.message}\n` };
    throw e;
  }
}

let certs: FakeKubeCerts;
let eu: FakeKube;
let us: FakeKube;
let s: Scratch;
let platform: string;
let kubeconfig: string;

beforeAll(() => {
  certs = generateCerts();
});

beforeEach(async () => {
  eu = await FakeKube.start({ certs });
  us = await FakeKube.start({ certs });
  s = new Scratch();
  platform = s.write("platform", { ".ferry/platform.yaml": PLATFORM });
  kubeconfig = writeKubeconfig(s.path("kubeconfig.yaml"), [
    { context: "kind-eu", server: eu.url, caPem: eu.caPem, token: eu.token },
    { context: "kind-us", server: us.url, caPem: us.caPem, token: us.token },
  ]);
  const now = new Date();
  const w = { project: "shop", component: "api", environment: "prod", release: RELEASE_2, now, generation: 2 };
  for (const step of succeedingRollout(w).steps) eu.applyStep(step);
  for (const step of crashLoopRollout(w).steps) us.applyStep(step);
});

afterEach(async () => {
  await eu.close();
  await us.close();
  s.cleanup();
});

describe("ferry status for an environment on several clusters", () => {
  it("shows the aggregate naming the crashing cluster, then each cluster in wave order, and exits 1", async () => {
    const run = await ferryStatus(["--platform", platform, "--kubeconfig", kubeconfig]);
    expect(run.code).toBe(1);
    const rows = run.stdout.split("\n").filter((l) => /^prod/.test(l));
    expect(rows[0]).toMatch(/^prod\s+shop\/api\s+Degraded\s+-\s+2\/4\s+us-1: Degraded \(CrashLoopBackOff in 2 pods\)$/);
    expect(rows[1]).toMatch(new RegExp(`^prod/eu-1\\s+shop/api\\s+Healthy\\s+${RELEASE_2}\\s+2/2$`));
    expect(rows[2]).toMatch(/^prod\/us-1\s+shop\/api\s+Degraded\s+/);
    expect(run.stdout).toContain("prod/us-1 shop/api: Degraded\n  CrashLoopBackOff:");
    expect(run.stderr).toContain("prod shop/api: Degraded (us-1: Degraded (CrashLoopBackOff in 2 pods))");
  });

  it("gives JSON clusters [{name, wave, status, release, ...}] beside the aggregate", async () => {
    const run = await ferryStatus(["--platform", platform, "--kubeconfig", kubeconfig, "--json"]);
    const out = JSON.parse(run.stdout) as {
      ok: boolean;
      environments: {
        environment: string;
        context?: string;
        components: { status: string; clusters?: { name: string; wave: number; context: string; status: string; release: string | null }[] }[];
      }[];
    };
    expect(out.ok).toBe(false);
    const [prod] = out.environments;
    expect(prod?.environment).toBe("prod");
    expect(prod?.context).toBeUndefined();
    expect(prod?.components[0]?.status).toBe("Degraded");
    expect(prod?.components[0]?.clusters?.map((c) => [c.name, c.wave, c.context, c.status, c.release])).toEqual([
      ["eu-1", 1, "kind-eu", "Healthy", RELEASE_2],
      ["us-1", 2, "kind-us", "Degraded", null],
    ]);
  });
});
