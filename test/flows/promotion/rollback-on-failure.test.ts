/**
 * The rollback on a failed verification against the fake GitHub and real git: the verification
 * records are the deployment statuses status back posts (flows/status/deployments.ts), the
 * rollback goes through the same path as a person's (planRollback, ensurePromotion, the gates,
 * the merge where the environment auto-merges).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { GitHub } from "../../../adapters/github/types.js";
import { parseRepoRef } from "../../../adapters/github/types.js";
import { defaultGitopsPort } from "../../../adapters/git/port.js";
import { PlatformCache } from "../../../adapters/github/platform-loader.js";
import { notObservedHealth } from "../../../core/promotion/health.js";
import type { SignalsReport } from "../../../core/signals/report.js";
import type { HealthSignal } from "../../../core/status/deployment-signals.js";
import { promotionContext, type PromotionContext, type PromotionDeps } from "../../../flows/promotion/context.js";
import { rollbackOnFailure, type FailedVerification } from "../../../flows/promotion/rollback-on-failure.js";
import { requestPromotion } from "../../../flows/promotion/requests.js";
import { RunContext } from "../../../flows/run-context.js";
import { ensureDeployment, postSignal } from "../../../flows/status/deployments.js";
import { loadBuiltins } from "../../../templates/index.js";
import { SEAL_KEY_LABEL } from "../../../app/deps.js";
import { evaluatePromotion } from "../../../flows/promotion/promote.js";
import { APP_REPO, GITOPS_REPO } from "../../support/harness.js";
import { footprint, gatesRun, releaseImage, releaseIn, startPromotionScene, type PromotionScene } from "../../support/promotion-scene.js";

/** dev → staging (verified: errorRate, onFailure: rollback; auto-merge, no approvals) → prod (two approvals). */
const PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  observability:
    links:
      logs: "https://grafana.example.com/explore?namespace=\${namespace}&component=\${component}"
  environments:
    - name: dev
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
      autoMerge: true
    - name: staging
      gitops: {repo: acme/gitops, branch: main, path: environments/staging}
      autoMerge: true
    - name: prod
      production: true
      gitops: {repo: acme/gitops-prod, branch: main, path: environments/prod}
      approvals: {required: 2}
  pipeline:
    - from: dev
      to: [staging]
      verify:
        duration: 10m
        signals:
          errorRate: {max: 0.01}
      onFailure: rollback
    - from: staging
      to: [prod]
`;

let scene: PromotionScene | undefined;
let cacheDir: string | undefined;
afterEach(async () => {
  await scene?.s.close();
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  scene = undefined;
  cacheDir = undefined;
});

/** A promotion context on the app's installation, as `onVerificationFailed` gets it. */
async function context(p: PromotionScene): Promise<PromotionContext> {
  cacheDir = await mkdtemp(join(tmpdir(), "ferry-rollback-"));
  const octokit = (await p.s.probot.auth(p.s.installationId)) as unknown as GitHub;
  const deps: PromotionDeps = {
    clock: p.clock.now,
    gitops: defaultGitopsPort({ now: p.clock.now }),
    cacheDir,
    logger: p.s.probot.log,
    platformRepo: { owner: "acme", repo: "platform" },
    platforms: new PlatformCache(1),
    builtins: loadBuiltins(),
    health: notObservedHealth,
    botLogin: async () => p.s.fake.botLogin,
    // The app's own seal key (app/index.ts), so the pull requests the app opened count as Ferry's.
    sealKey: async () => Buffer.from((await p.s.probot.webhooks.sign(SEAL_KEY_LABEL)).replace(/^sha256=/, ""), "hex"),
    appId: async () => p.s.fake.app.id,
  };
  return promotionContext(new RunContext(octokit, deps), deps);
}

/** Posts a verification status on the release's deployment to `env`, as status back does. */
async function record(ctx: PromotionContext, env: string, release: { sha: string; release: string }, signal: HealthSignal, text: string): Promise<void> {
  const repo = parseRepoRef(APP_REPO);
  const id = await ensureDeployment(ctx.octokit, repo, {
    environment: env,
    production: false,
    project: "shop",
    component: "api",
    release: release.release,
    sha: release.sha,
  });
  await postSignal(ctx.octokit, repo, id, signal, text);
}

/** The failed verification of errorRate at 20% against a bound of 1%, as status back reports it. */
function failedReport(release: string): FailedVerification {
  const report: SignalsReport = {
    component: "shop/api",
    environment: "staging",
    release,
    verdict: "failed",
    window: { from: 1772442000, to: 1772442600 },
    signals: [
      {
        name: "errorRate",
        unit: "ratio",
        value: 0.2,
        baseline: 0.001,
        max: 0.01,
        verdict: "failed",
        broken: { bound: "max", limit: 0.01 },
        reason: "0.2 is above max 0.01",
        series: [],
      },
    ],
    notes: [],
  };
  return {
    project: "shop",
    component: "api",
    environment: "staging",
    release,
    report,
    commentUrl: "http://github.localhost/acme/shop-api/commit/abc#comments",
  };
}

describe("rollbackOnFailure", () => {
  it("opens the rollback to the last release verified in the environment, with the failed signal's numbers and links, merged where the environment auto-merges", async () => {
    const p = (scene = await startPromotionScene({ platform: PLATFORM }));
    const ctx = await context(p);
    const r1 = await releaseImage(p, "ghcr.io/acme/api:1.0.0");
    expect(await releaseIn(p.s, GITOPS_REPO, "staging")).toBe(r1.release);
    await record(ctx, "staging", r1, "verified", "errorRate held for 10m");
    const r2 = await releaseImage(p, "ghcr.io/acme/api:2.0.0");
    expect(await releaseIn(p.s, GITOPS_REPO, "staging")).toBe(r2.release);
    await record(ctx, "staging", r2, "verify-failed", "errorRate 0.2 > max 0.01 (baseline 0.001)");

    // The promotion of R2 out of staging: the verified gate reads the record and fails, naming the signal.
    const prodPr = p.s.fake.pullsIn("acme/gitops-prod", "open").find((pr) => pr.head.ref === "ferry/promote/shop/api/prod");
    expect(prodPr).toBeDefined();
    const judged = await evaluatePromotion(ctx, parseRepoRef("acme/gitops-prod"), prodPr!.number);
    expect(judged.kind === "evaluated" && judged.gates.gates.find((g) => g.name === "verified")).toEqual({
      name: "verified",
      state: "fail",
      summary: expect.stringContaining(`release ${r2.release} failed verification in staging at `) as unknown,
    });
    expect(judged).toMatchObject({ conclusion: "failure" });
    expect(JSON.stringify(judged)).toContain("errorRate 0.2 > max 0.01 (baseline 0.001)");

    p.clock.tick();
    const out = await rollbackOnFailure(ctx, failedReport(r2.release));
    expect(out).toMatchObject({ kind: "rollback", release: r1.release, outcome: { kind: "done", result: { status: "opened" } } });
    // Merged (staging auto-merges and every gate holds): staging runs R1 again.
    expect(await releaseIn(p.s, GITOPS_REPO, "staging")).toBe(r1.release);
    const rollback = p.s.fake.state.pulls.find(
      (pr) => pr.repo === GITOPS_REPO && pr.head.ref === "ferry/promote/shop/api/staging" && pr.title.includes("roll back"),
    );
    expect(rollback?.title).toBe(`ferry: roll back shop/api in staging to ${r1.release}`);
    expect(rollback?.state).toBe("closed");
    expect(rollback?.mergedBy).toBe(p.s.fake.botLogin);
    const body = rollback!.body ?? "";
    expect(body).toContain(`<!-- ferry:promotion shop/api -> staging -->\n<!-- ferry:release ${r1.release} from staging -->`);
    expect(body).toContain(`### Why: release \`${r2.release}\` failed verification in staging`);
    expect(body).toContain("| errorRate | ratio | 0.001 | 0.2 | ≤ 0.01 | ❌ failed |");
    expect(body).toContain("- **errorRate**: 0.2 is above max 0.01");
    expect(body).toContain("[logs](https://grafana.example.com/explore?namespace=shop-staging&component=api)");
    expect(body).toContain("[rollout status](http://github.localhost/acme/shop-api/commit/abc#comments)");
    // Its verified gate passed on R1's record in staging.
    const gates = gatesRun(p.s, GITOPS_REPO, rollback!.head.sha);
    expect(JSON.stringify(gates.output)).toContain(`release ${r1.release} has not failed verification in staging`);

    // A person cannot put R2 back either: the plan reads the record and refuses, changing nothing.
    const before = await footprint(p.s);
    const asked = await requestPromotion(
      ctx,
      { verb: "rollback", project: "shop", component: "api", env: "staging", release: r2.release },
      { login: "alice", permission: "admin" },
      { requestedBy: { login: "alice" } },
    );
    expect(asked).toEqual({
      kind: "refused",
      stage: "plan",
      reason: expect.stringMatching(
        new RegExp(
          `^release ${r2.release} failed verification in staging at .* \\(Verification failed: errorRate 0\\.2 > max 0\\.01 \\(baseline 0\\.001\\)\\); a release that failed verification is never rolled back to again: cut a new release$`,
        ),
      ) as unknown,
    });
    expect(await footprint(p.s)).toBe(before);

    // Told again (a redelivery), nothing loops: staging no longer runs R2.
    expect(await rollbackOnFailure(ctx, failedReport(r2.release))).toEqual({
      kind: "none",
      reason: `staging runs release ${r1.release} now, not ${r2.release}: nothing to roll back`,
    });
  });

  it("changes nothing and says so when no release was verified in the environment", async () => {
    const p = (scene = await startPromotionScene({ platform: PLATFORM }));
    const ctx = await context(p);
    const r1 = await releaseImage(p, "ghcr.io/acme/api:1.0.0");
    await record(ctx, "staging", r1, "verifying", "10m from 09:01 UTC");
    const r2 = await releaseImage(p, "ghcr.io/acme/api:2.0.0");
    await record(ctx, "staging", r2, "verify-failed", "errorRate 0.2 > max 0.01 (baseline 0.001)");
    const before = await footprint(p.s);

    const out = await rollbackOnFailure(ctx, failedReport(r2.release));
    expect(out).toEqual({
      kind: "none",
      reason: `no release of shop/api was verified in staging before ${r2.release} (it ran ${r1.release}, none verified): Ferry changes nothing`,
      told: `${APP_REPO}@${r2.sha.slice(0, 7)}`,
    });
    expect(await footprint(p.s)).toBe(before);
    expect(await releaseIn(p.s, GITOPS_REPO, "staging")).toBe(r2.release);
    // Said on the app commit the failed release was cut from (pushed without a pull request), once.
    const said = p.s.fake.commitCommentsOn(APP_REPO, r2.sha).filter((c) => c.body.includes("Ferry did not roll back"));
    expect(said).toHaveLength(1);
    expect(said[0]!.body).toContain(`no release of shop/api was verified in staging before ${r2.release}`);
    await rollbackOnFailure(ctx, failedReport(r2.release));
    expect(p.s.fake.commitCommentsOn(APP_REPO, r2.sha).filter((c) => c.body.includes("Ferry did not roll back"))).toHaveLength(1);
  });
});
