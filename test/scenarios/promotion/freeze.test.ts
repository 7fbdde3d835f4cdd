/**
 * A freeze through the app (fake GitHub, real git, signed webhooks): it holds a prod promotion whose
 * other gates all pass, a writer's break-glass is refused (by comment and by `ferry promote`), a
 * maintainer's break-glass lets it through on exactly the head Ferry wrote for it (and only while
 * they keep maintain), and the landing commit carries `Ferry-Break-Glass`, which `ferry dora` lists.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.js";
import { buildPlatformBundle } from "../../../core/platform-bundle.js";
import { parseCommitMessage } from "../../../core/gitops/trailers.js";
import { readDora } from "../../../operations/dora.js";
import type { Diagnostic } from "../../../renderers/diagnostics.js";
import { loadPlatformSources } from "../../../renderers/load.js";
import { loadBuiltins } from "../../../templates/index.js";
import { APP_REPO, PLATFORM_REPO, sceneTeardown } from "../../support/harness.js";
import {
  comment,
  footprint,
  git,
  gatesRun,
  ManualScheduler,
  mustPromotion,
  pipelinePlatform,
  PROD_REPO,
  releaseImage,
  releaseIn,
  replies,
  review,
  startPromotionScene,
} from "../../support/promotion-scene.js";

const scenes = sceneTeardown();

/** dev → staging → prod as promotion-scene has it, prod frozen over the scene's Monday. */
const PLATFORM = `${pipelinePlatform({ prodRequireHealth: false })}  freezes:
    - environments: [prod]
      from: 2026-03-01T00:00:00Z
      until: 2026-03-05T00:00:00Z
      reason: quarter close
`;

const FREEZE_ROW = "| freeze | ⏳ pending | prod is frozen (quarter close, until 2026-03-05 00:00 UTC);";

describe("freezes and break-glass", () => {
  it("holds a prod promotion in a freeze, refuses a writer's break-glass, and merges a maintainer's once every other gate holds", async () => {
    const scheduler = new ManualScheduler();
    const p = await startPromotionScene({ platform: PLATFORM, deps: { scheduler } });
    const s = scenes.track(p.s);
    const { sha, release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    await review(p, mustPromotion(s, "staging"), "alice");
    const prod = mustPromotion(s, "prod");
    await review(p, prod, "sam");
    await review(p, prod, "sasha");
    // After the soak, in the change window, with both sre approvals: the freeze alone holds it.
    p.clock.set("2026-03-02T09:40:00Z");
    await scheduler.runAll();
    const firstHead = prod.head.sha;
    const held = gatesRun(s, PROD_REPO, firstHead);
    expect(held.output.title).toBe("Waiting: freeze");
    expect(held.output.summary).toContain(
      `${FREEZE_ROW} a person with maintain on the app repository may break glass: \`/ferry promote prod --break-glass "why"\` |`,
    );
    expect(s.fake.mustPull(PROD_REPO, prod.number).mergedAt).toBeNull();

    // A writer on the app repository: refused by comment and by `ferry promote`, nothing changes.
    s.fake.setPermission(APP_REPO, "wes", "write");
    const before = await footprint(s);
    await comment(p, PROD_REPO, prod.number, "wes", '/ferry promote prod --break-glass "need it out"');
    expect(replies(s, PROD_REPO, prod.number).at(-1)).toContain(
      `Ferry did not do this: @wes has write permission on ${APP_REPO}; promote to prod breaking glass on its freeze needs maintain`,
    );
    const cli = await ferryAs(p.s, "wes", ["promote", "shop/api", "--to", "prod", "--break-glass", "need it out"]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toBe(
      "Ferry did not promote shop/api to prod: @wes has write permission; promote to prod breaking glass on its freeze needs maintain\nNothing was changed.\n",
    );
    expect(await footprint(s)).toBe(before);

    // A maintainer breaks glass: Ferry's new sealed commit on the branch carries it, the pull request says so.
    s.fake.setPermission(APP_REPO, "mia", "maintain");
    await comment(p, PROD_REPO, prod.number, "mia", '/ferry promote prod --break-glass "payments down: hotfix"');
    expect(replies(s, PROD_REPO, prod.number).at(-1)).toContain("@mia done:");
    const broken = s.fake.mustPull(PROD_REPO, prod.number);
    expect(broken.head.sha).not.toBe(firstHead);
    const branchTrailers = parseCommitMessage(await git(s, PROD_REPO, ["log", "-1", "--format=%B", broken.head.sha])).trailers;
    expect(branchTrailers["Ferry-Break-Glass"]).toEqual(["mia: payments down: hotfix"]);
    expect(branchTrailers["Ferry-Requested-By"]).toEqual(["mia"]);
    expect(replies(s, PROD_REPO, prod.number).some((r) => r.startsWith("🔨 **@mia broke glass on the freeze of prod**: payments down: hotfix"))).toBe(true);
    // The freeze passes on that head; the approvals were given on the old head and must be given again.
    const glass = gatesRun(s, PROD_REPO, broken.head.sha);
    expect(glass.output.summary).toContain(
      "| freeze | ✅ pass | prod is frozen (quarter close, until 2026-03-05 00:00 UTC); glass broken by @mia (maintain): payments down: hotfix |",
    );
    expect(glass.output.title).toBe("Waiting: approvals");

    // Bound to mia's role, read live: demoted to write, the break-glass no longer counts.
    s.fake.setPermission(APP_REPO, "mia", "write");
    await review(p, broken, "sam");
    await review(p, broken, "sasha");
    expect(s.fake.mustPull(PROD_REPO, prod.number).mergedAt).toBeNull();
    expect(gatesRun(s, PROD_REPO, broken.head.sha).output.summary).toContain(
      `${FREEZE_ROW} @mia has write on the app repository, breaking glass needs maintain |`,
    );

    // Maintain again: the periodic pass merges it; the landing commit records the break-glass.
    s.fake.setPermission(APP_REPO, "mia", "maintain");
    p.clock.tick();
    await scheduler.runAll();
    expect(s.fake.mustPull(PROD_REPO, prod.number).mergedAt).not.toBeNull();
    expect(await releaseIn(s, PROD_REPO, "prod")).toBe(release);
    const landed = parseCommitMessage(await git(s, PROD_REPO, ["log", "-1", "--format=%B", "main"])).trailers;
    expect(landed).toMatchObject({
      "Ferry-Break-Glass": ["mia: payments down: hotfix"],
      "Ferry-Approved-By": ["sam", "sasha"],
      "Ferry-Release": [release],
      "Ferry-Source": [`${APP_REPO}@${sha}`],
    });

    // ferry dora lists it, from the trailer in prod's history.
    const diagnostics: Diagnostic[] = [];
    const bundle = buildPlatformBundle(loadPlatformSources("", new Map([[".ferry/platform.yaml", PLATFORM]]), diagnostics), loadBuiltins(), diagnostics);
    expect(diagnostics).toEqual([]);
    const dora = await readDora(
      { platform: bundle!, env: "prod", since: "7d", target: { gitops: s.git.repoUrl(PROD_REPO) }, cacheDir: join(s.cacheDir, "dora"), variables: {} },
      { now: () => p.clock.now().getTime() },
    );
    const commit = (await git(s, PROD_REPO, ["rev-parse", "main"])).trim();
    expect(dora.breakGlass).toEqual({
      count: 1,
      promotions: [{ component: "shop/api", release, at: expect.any(String), commit, login: "mia", reason: "payments down: hotfix" }],
    });
  });
});

/** Runs `ferry <argv>` as `login` (GITHUB_TOKEN is theirs), against the scene's GitHub and platform. */
async function ferryAs(s: Parameters<typeof footprint>[0], login: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const env = {
    GITHUB_TOKEN: s.fake.issueUserToken(login),
    GITHUB_API_URL: s.fake.url,
    FERRY_PLATFORM_REPO: PLATFORM_REPO,
    FERRY_CACHE_DIR: join(s.cacheDir, "cli"),
    FERRY_APP_ID: String(s.fake.app.id),
  };
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env });
  return { code, stdout: out.join(""), stderr: err.join("") };
}
