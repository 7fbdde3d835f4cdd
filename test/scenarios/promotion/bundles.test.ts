/**
 * Bundles end to end (signed deliveries → the app → contract-checked fake GitHub and real GitOps
 * repositories): shop/api and shop/web, both declared in acme/shop-api, move together from dev on
 * (bundle `shop-core`). dev → staging (one approval, auto-merge) → prod.
 */
import { describe, expect, it } from "vitest";
import { parseCommitMessage } from "../../../core/gitops/trailers.js";
import { APP_REPO, commitApp, componentYaml, GITOPS_REPO, pushPayload, sceneTeardown } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";
import type { PullRequestRecord } from "../../support/fake-github/model.js";
import {
  apiYaml,
  appPullRequest,
  comment,
  footprint,
  gatesRun,
  git,
  pipelinePlatform,
  PROD_REPO,
  replies,
  review,
  startPromotionScene,
} from "../../support/promotion-scene.js";
import type { PromotionScene } from "../../support/promotion-scene.js";

const scenes = sceneTeardown();

const BUNDLE_BRANCH = "ferry/bundle/shop-core/staging";

function bundlePlatform(bundles = "  bundles:\n    - name: shop-core\n      components: [shop/api, shop/web]\n      from: dev\n"): string {
  return pipelinePlatform({ prodRequireHealth: false }) + bundles;
}

/** The release label of `component` in an environment (at `ref`). */
async function releaseOf(s: Scene, env: string, component: string, ref = "main"): Promise<string | undefined> {
  const text = await git(s, GITOPS_REPO, ["show", `${ref}:environments/${env}/shop/${component}/deployment-${component}.yaml`]).catch(() => undefined);
  return text ? /ferry\.dev\/release: ([0-9a-f]{12})/.exec(text)?.[1] : undefined;
}

/** Pushes both components at the given images (only those given change); returns what dev runs after. */
async function push(p: PromotionScene, images: { api?: string; web?: string }): Promise<{ sha: string; api: string; web: string }> {
  p.clock.tick();
  const files: Record<string, string> = {};
  if (images.api) files[".ferry/api.yaml"] = apiYaml(images.api);
  if (images.web) files[".ferry/web.yaml"] = componentYaml({ name: "web", image: images.web, extra: "  environments:\n    prod: {replicas: 2}\n" });
  const { sha, before } = await commitApp(p.s, files);
  const res = await p.s.post("push", pushPayload(p.s, sha, before, { modified: Object.keys(files) }));
  expect(res.status).toBe(200);
  const api = await releaseOf(p.s, "dev", "api");
  const web = await releaseOf(p.s, "dev", "web");
  if (!api || !web) throw new Error("dev does not run both components");
  return { sha, api, web };
}

function bundlePull(s: Scene): PullRequestRecord[] {
  return s.fake.pullsIn(GITOPS_REPO, "open").filter((pr) => pr.head.ref === BUNDLE_BRANCH);
}

async function trailersOf(s: Scene, ref: string): Promise<Readonly<Record<string, readonly string[]>>> {
  return parseCommitMessage(await git(s, GITOPS_REPO, ["log", "-1", "--format=%B", ref])).trailers;
}

describe("bundles", () => {
  it("promotes a two-component bundle as one pull request gated as a whole, updated by a newer release, and lands it in one commit", async () => {
    const p = await startPromotionScene({ platform: bundlePlatform() });
    const s = scenes.track(p.s);
    const r1 = await push(p, { api: "ghcr.io/acme/api:1.1.0", web: "ghcr.io/acme/web:1.0.0" });

    // One pull request for the bundle, none per component.
    const [pr] = bundlePull(s);
    expect(bundlePull(s)).toHaveLength(1);
    expect(s.fake.pullsIn(GITOPS_REPO, "open").filter((x) => x.head.ref.startsWith("ferry/promote/"))).toEqual([]);
    expect(pr!.title).toBe("ferry: promote bundle shop-core from dev to staging");
    expect(pr!.body).toContain(`| \`shop/api\` | \`${r1.api}\` |`);
    expect(pr!.body).toContain(`| \`shop/web\` | \`${r1.web}\` |`);
    expect(await releaseOf(s, "staging", "api", BUNDLE_BRANCH)).toBe(r1.api);
    expect(await releaseOf(s, "staging", "web", BUNDLE_BRANCH)).toBe(r1.web);
    // The branch's commit names every release, paired by position.
    expect(await trailersOf(s, BUNDLE_BRANCH)).toMatchObject({
      "Ferry-Bundle": ["shop-core"],
      "Ferry-Component": ["shop/api", "shop/web"],
      "Ferry-Release": [r1.api, r1.web],
    });
    // The gates table has each component's rows; approvals wait for both.
    const waiting = gatesRun(s, GITOPS_REPO, pr!.head.sha);
    expect(waiting.conclusion).toBe("action_required");
    expect(waiting.output.summary).toContain("| shop/api | approvals | ⏳ pending | 0 of 1 approval |");
    expect(waiting.output.summary).toContain("| shop/web | approvals | ⏳ pending | 0 of 1 approval |");
    expect(waiting.output.summary).toContain("| shop/web | policies | ✅ pass |");

    // A newer release of one component while it is open: the same pull request moves to it (a new
    // head: approvals given before no longer count) and says so.
    const firstHead = pr!.head.sha;
    const r2 = await push(p, { web: "ghcr.io/acme/web:1.1.0" });
    expect(bundlePull(s)).toHaveLength(1);
    const updated = s.fake.mustPull(GITOPS_REPO, pr!.number);
    expect(updated.head.sha).not.toBe(firstHead);
    expect(await trailersOf(s, BUNDLE_BRANCH)).toMatchObject({ "Ferry-Release": [r1.api, r2.web] });
    expect(replies(s, GITOPS_REPO, pr!.number).at(-1)).toBe(
      `Ferry updated this bundle: \`shop/web\` from \`${r1.web}\` to \`${r2.web}\` (now in dev). Approvals given before this update no longer count.`,
    );
    expect(gatesRun(s, GITOPS_REPO, updated.head.sha).conclusion).toBe("action_required");

    // One approval: every gate of both components holds; Ferry merges one commit naming both releases.
    await review(p, updated, "bob");
    expect(s.fake.mustPull(GITOPS_REPO, pr!.number).mergedAt).not.toBeNull();
    expect(await releaseOf(s, "staging", "api")).toBe(r1.api);
    expect(await releaseOf(s, "staging", "web")).toBe(r2.web);
    expect(await trailersOf(s, "main")).toMatchObject({
      "Ferry-Approved-By": ["bob"],
      "Ferry-Bundle": ["shop-core"],
      "Ferry-Component": ["shop/api", "shop/web"],
      "Ferry-Environment": ["staging"],
      "Ferry-Promoted-From": ["dev"],
      "Ferry-Release": [r1.api, r2.web],
    });
    expect(await git(s, GITOPS_REPO, ["log", "-1", "--format=%s", "main"])).toBe("ferry: promote bundle shop-core from dev to staging\n");
    const touched = (await git(s, GITOPS_REPO, ["diff", "--name-only", "main~1", "main", "--", "environments/staging"])).split("\n");
    expect(touched).toEqual(expect.arrayContaining(["environments/staging/shop/api/deployment-api.yaml", "environments/staging/shop/web/deployment-web.yaml"]));
    expect(bundlePull(s)).toEqual([]);
  });

  it("refuses /ferry promote of one bundled component (changing nothing), and rolls the bundle back as one pull request restoring the previous set", async () => {
    const p = await startPromotionScene({ platform: bundlePlatform() });
    const s = scenes.track(p.s);
    const r1 = await push(p, { api: "ghcr.io/acme/api:1.1.0", web: "ghcr.io/acme/web:1.0.0" });
    await review(p, bundlePull(s)[0]!, "bob");
    const r2 = await push(p, { api: "ghcr.io/acme/api:1.2.0", web: "ghcr.io/acme/web:1.1.0" });
    await review(p, bundlePull(s)[0]!, "bob");
    expect([await releaseOf(s, "staging", "api"), await releaseOf(s, "staging", "web")]).toEqual([r2.api, r2.web]);

    // The bundle moves on to prod as one pull request; one component alone is refused, naming its bundle.
    const prodBundle = s.fake.pullsIn(PROD_REPO, "open").map((x) => x.head.ref);
    expect(prodBundle).toEqual(["ferry/bundle/shop-core/prod"]);
    s.fake.setPermission(APP_REPO, "dana", "maintain");
    const app = await appPullRequest(p);
    const before = await footprint(s);
    await comment(p, APP_REPO, app.number, "dana", "/ferry promote prod");
    const reply = replies(s, APP_REPO, app.number).at(-1) ?? "";
    expect(reply).toContain(
      "`shop/api`: refused: shop/api is in bundle shop-core: from dev on it is promoted only together with shop/web, as one pull request (ferry/bundle/shop-core/prod)",
    );
    expect(reply).toContain("`shop/web`: refused: shop/web is in bundle shop-core: from dev on it is promoted only together with shop/api");
    expect(await footprint(s)).toBe(before);

    // /ferry rollback on the bundle's components: one pull request putting back the previous set.
    await comment(p, APP_REPO, app.number, "dana", "/ferry rollback staging");
    const [rollback] = bundlePull(s);
    expect(bundlePull(s)).toHaveLength(1);
    expect(rollback!.title).toBe("ferry: roll back bundle shop-core in staging");
    expect(await trailersOf(s, BUNDLE_BRANCH)).toMatchObject({ "Ferry-Release": [r1.api, r1.web], "Ferry-Requested-By": ["dana"] });
    const gates = gatesRun(s, GITOPS_REPO, rollback!.head.sha);
    expect(gates.output.summary).toContain("Rollback of bundle **shop-core** in **staging**");
    expect(gates.output.summary).toContain("| shop/web | approvals | ⏳ pending |");
    // dana asked: her approval does not count; bob's lands the previous set in one commit.
    await review(p, rollback!, "dana");
    expect(s.fake.mustPull(GITOPS_REPO, rollback!.number).mergedAt).toBeNull();
    await review(p, rollback!, "bob");
    expect(s.fake.mustPull(GITOPS_REPO, rollback!.number).mergedAt).not.toBeNull();
    expect([await releaseOf(s, "staging", "api"), await releaseOf(s, "staging", "web")]).toEqual([r1.api, r1.web]);
    expect(await trailersOf(s, "main")).toMatchObject({ "Ferry-Bundle": ["shop-core"], "Ferry-Release": [r1.api, r1.web], "Ferry-Approved-By": ["bob"] });
    expect(await git(s, GITOPS_REPO, ["log", "-1", "--format=%s", "main"])).toBe("ferry: roll back bundle shop-core in staging\n");
  });
});
