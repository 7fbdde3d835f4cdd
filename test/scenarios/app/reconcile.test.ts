/** The reconcile pass end to end: the app against the fake GitHub and a real GitOps repository, with no webhook delivered. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Scheduler } from "../../../app/scheduler.js";
import type { ReconcileReport } from "../../../core/reconcile/report.js";
import { runCli } from "../../support/workspace.js";
import { APP_REPO, commitApp, componentYaml, GITOPS_REPO, PLATFORM_REPO, sceneTeardown, startScene } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";

const scenes = sceneTeardown();

/** A scene whose reconcile pass runs only when the test says so. */
async function reconcileScene(): Promise<{ scene: Scene; pass: () => Promise<ReconcileReport> }> {
  let task: (() => Promise<void>) | undefined;
  const reports: ReconcileReport[] = [];
  const manual: Scheduler = {
    start(t) {
      task = t;
      return () => undefined;
    },
  };
  const scene = scenes.track(await startScene({ deps: { reconcile: manual, onReconciled: (r) => reports.push(r) } }));
  return {
    scene,
    async pass() {
      if (!task) throw new Error("the app did not start the reconcile pass");
      const before = reports.length;
      await task();
      await scene.fake.settled();
      const report = reports[before];
      if (!report) throw new Error("the pass reported nothing (see the log)");
      return report;
    },
  };
}

const summary = (r: ReconcileReport) => r.repairs.map((x) => `${x.repair.kind} ${"environment" in x.repair ? x.repair.environment : ""} ${x.outcome}`.trim());

describe("reconcile pass", () => {
  it("releases a push whose delivery never arrived, once; the next pass does nothing", async () => {
    const { scene: s, pass } = await reconcileScene();
    const { sha } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:2.0.0" }) });

    const first = await pass();
    expect(first.stopped).toBeUndefined();
    expect(summary(first)).toEqual(["release dev done"]);
    expect(first.repairs[0]!.repair).toMatchObject({ kind: "release", repo: APP_REPO, sha, component: "shop/api", environment: "dev" });
    expect(first.repairs[0]!.detail).toMatch(/^committed [0-9a-f]{12}$/);
    const log = await s.gitopsLog();
    expect(log).toEqual(["initial", expect.stringMatching(/^ferry: release shop\/api [0-9a-f]{12} to dev$/)]);
    const deployment = await s.git.git(GITOPS_REPO, ["show", "main:environments/dev/shop/api/deployment-api.yaml"]);
    expect(deployment).toContain("ghcr.io/acme/api:2.0.0");
    // The release went on as after a push: its promotion to staging is open, with its gates check.
    const promotions = s.fake.pullsIn(GITOPS_REPO, "open");
    expect(promotions.map((p) => p.head.ref)).toEqual(["ferry/promote/shop/api/staging"]);

    const second = await pass();
    expect(second.repairs).toEqual([]);
    expect(second.deferred).toEqual([
      expect.objectContaining({ component: "shop/api", environment: "staging", reason: expect.stringMatching(/pull request #\d+ carries it/) }),
    ]);
    expect(await s.gitopsLog()).toEqual(log);
    expect(s.fake.pullsIn(GITOPS_REPO)).toHaveLength(1);
    // Each pass ends with drift on the GitOps branch head: no cluster to compare with here, one environment holds a release the others do not.
    const head = (await s.fake.branchSha(GITOPS_REPO))!;
    const drift = s.fake.checkRunsFor(GITOPS_REPO, { sha: head, name: "Ferry / drift" });
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ status: "completed" });
    expect(drift[0]!.output?.summary ?? "").toContain("dev");
    expect(second.problems.filter((p) => p.startsWith("drift"))).toEqual([]);
  });

  it("asks GitHub once to redeliver a delivery it recorded as failed", async () => {
    const { scene: s, pass } = await reconcileScene();
    // The app's clock is 2026-03-02T10:00:00Z: one failure two days before (out of the window), one an hour before.
    const old = s.fake.addHookDelivery({ event: "push", deliveredAt: "2026-02-28T10:00:00Z" });
    const failed = s.fake.addHookDelivery({ event: "push", action: null, deliveredAt: "2026-03-02T09:00:00Z", installationId: s.installationId });
    s.fake.addHookDelivery({ event: "pull_request", action: "opened", deliveredAt: "2026-03-02T09:10:00Z", status: "OK", statusCode: 200 });

    const first = await pass();
    expect(first.repairs.filter((r) => r.repair.kind === "redelivery")).toEqual([
      expect.objectContaining({ repair: expect.objectContaining({ delivery: failed.id, guid: failed.guid }), outcome: "done" }),
    ]);
    const again = () => s.fake.state.hookDeliveries.filter((d) => d.redelivery);
    expect(again()).toEqual([expect.objectContaining({ guid: failed.guid, statusCode: 200 })]);
    expect(again().some((d) => d.guid === old.guid)).toBe(false);

    const second = await pass();
    expect(second.repairs.filter((r) => r.repair.kind === "redelivery")).toEqual([]);
    expect(again()).toHaveLength(1);
  });

  it("evaluates a promotion pull request that has no Ferry / gates check on its head", async () => {
    const { scene: s, pass } = await reconcileScene();
    await pass(); // releases the app's first commit to dev and opens its promotion to staging
    const [pr] = s.fake.pullsIn(GITOPS_REPO, "open");
    expect(pr).toBeDefined();
    const gates = () => s.fake.checkRunsFor(GITOPS_REPO, { sha: pr!.head.sha, name: "Ferry / gates" });
    expect(gates()).toHaveLength(1);
    // The check is lost (as when its delivery failed before it was written).
    const runs = s.fake.state.checkRuns;
    for (let i = runs.length - 1; i >= 0; i--) if (runs[i]!.name === "Ferry / gates") runs.splice(i, 1);
    expect(gates()).toHaveLength(0);

    const report = await pass();
    expect(summary(report)).toEqual(["gates-check staging done"]);
    expect(report.repairs[0]!.repair).toMatchObject({ kind: "gates-check", repo: GITOPS_REPO, pull: pr!.number, component: "shop/api" });
    expect(gates()).toHaveLength(1);
    expect(gates()[0]!.status).toBe("completed");
    expect((await pass()).repairs).toEqual([]);
  });
});

describe("ferry reconcile --dry-run", () => {
  it("lists the missed push and changes nothing", async () => {
    const s = scenes.track(await startScene());
    const { sha } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:3.0.0" }) });
    const cacheDir = await mkdtemp(join(tmpdir(), "ferry-reconcile-cli-"));
    try {
      const token = s.fake.issueToken(s.installationId).token;
      const args = ["reconcile", "--dry-run", "--platform-repo", PLATFORM_REPO, "--api-url", s.fake.url, "--cache-dir", cacheDir];
      const run = await runCli(args, { GITHUB_TOKEN: token });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(new RegExp(`^would release shop/api [0-9a-f]{12} to dev from ${APP_REPO}@${sha.slice(0, 12)}$`, "m"));
      expect(run.stdout).toMatch(/problem: webhook deliveries: not checked/);

      const json = await runCli([...args, "--json"], { GITHUB_TOKEN: token });
      const out = JSON.parse(json.stdout) as { dryRun: boolean; repairs: { kind: string; environment: string; sha: string }[] };
      expect(out.dryRun).toBe(true);
      expect(out.repairs).toEqual([expect.objectContaining({ kind: "release", environment: "dev", sha })]);

      expect(await s.gitopsLog()).toEqual(["initial"]);
      expect(s.fake.pullsIn(GITOPS_REPO)).toEqual([]);
      expect(s.fake.state.checkRuns).toEqual([]);
      expect(s.fake.deploymentsIn(APP_REPO)).toEqual([]);

      const usage = await runCli(["reconcile", "--platform-repo", PLATFORM_REPO], {});
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/only --dry-run is supported/);
      expect(usage.stderr).toMatch(/a token is required/);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
