/**
 * Who Ferry's commits are by: the commits the app makes (a release into dev, the promotion branch
 * it opens) are authored by its own bot user, `<slug>[bot]` with GitHub's noreply email
 * `<id>+<slug>[bot]@users.noreply.<host>`; the promotion commits a person makes with their own
 * token (`ferry promote`) are authored by that person. Real GitOps repositories, the fake GitHub.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.js";
import { APP_REPO, GITOPS_REPO, PLATFORM_REPO, sceneTeardown, type Scene } from "../../support/harness.js";
import { git, githubApi, mustPromotion, releaseImage, startPromotionScene } from "../../support/promotion-scene.js";

const scenes = sceneTeardown();

/** `name <email>` of the author and committer of each commit in `range`, newest first. */
async function authors(s: Scene, ...range: string[]): Promise<string[]> {
  return (await git(s, GITOPS_REPO, ["log", "--format=%an <%ae>|%cn <%ce>", ...range])).split("\n").filter(Boolean);
}

/** The GitHub account each commit of a GitOps pull request is linked to (`author.login`). */
async function commitAccounts(s: Scene, number: number): Promise<(string | null)[]> {
  const { status, json } = await githubApi(s, "GET", `/repos/${GITOPS_REPO}/pulls/${number}/commits`);
  expect(status).toBe(200);
  return (json as { author: { login: string } | null }[]).map((c) => c.author?.login ?? null);
}

describe("the author of the commits Ferry makes", () => {
  it("is the app's bot user for the app's commits, and the person for a person's ferry promote", async () => {
    const p = await startPromotionScene();
    const s = scenes.track(p.s);
    const host = new URL(s.fake.url).hostname;
    await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const bot = s.fake.state.users.get(s.fake.botLogin.toLowerCase());
    expect(bot?.login).toBe("ferry[bot]");
    const botAuthor = `ferry[bot] <${bot!.id}+ferry[bot]@users.noreply.${host}>`;

    // The release into dev: a direct commit on main, by the bot.
    const [release] = await authors(s, "-1", "main");
    expect(release).toBe(`${botAuthor}|${botAuthor}`);
    // The promotion to staging the app opened on landing: its branch commit is the bot's too.
    const byApp = mustPromotion(s, "staging");
    expect(await authors(s, `main..${byApp.head.sha}`)).toEqual([`${botAuthor}|${botAuthor}`]);
    // GitHub links the noreply email to the account: the pull request's commit is by the bot user.
    expect(await commitAccounts(s, byApp.number)).toEqual(["ferry[bot]"]);

    // Closed; maya asks for it again with her own token: the branch commit is hers.
    expect((await githubApi(s, "PATCH", `/repos/${byApp.repo}/pulls/${byApp.number}`, { state: "closed" })).status).toBe(200);
    s.fake.setPermission(APP_REPO, "maya", "write");
    s.fake.setPermission(GITOPS_REPO, "maya", "write");
    const out: string[] = [];
    const code = await main(["promote", "shop/api", "--to", "staging"], {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      env: {
        GITHUB_TOKEN: s.fake.issueUserToken("maya"),
        GITHUB_API_URL: s.fake.url,
        FERRY_PLATFORM_REPO: PLATFORM_REPO,
        FERRY_CACHE_DIR: join(s.cacheDir, "cli"),
      },
    });
    expect(code, out.join("")).toBe(0);
    const byMaya = mustPromotion(s, "staging");
    expect(byMaya.number).not.toBe(byApp.number);
    const maya = s.fake.state.users.get("maya")!;
    const mayaAuthor = `maya <${maya.id}+maya@users.noreply.${host}>`;
    expect(await authors(s, `main..${byMaya.head.sha}`)).toEqual([`${mayaAuthor}|${mayaAuthor}`]);
    expect(await commitAccounts(s, byMaya.number)).toEqual(["maya"]);
    // Nothing on main is by the person.
    expect((await authors(s, "main")).filter((a) => a.includes("maya"))).toEqual([]);
  }, 120_000);
});
