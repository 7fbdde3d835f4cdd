/**
 * The app's security checks, each through the app with real signed payloads: forged and missing
 * signatures, replayed deliveries (also after a restart), oversized payloads, secrets in logs,
 * commands after a permission was lowered, and pull requests from forks.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { RELEASE_CHECK } from "../../../adapters/github/checks.js";
import { MAX_WEBHOOK_BYTES } from "../../../app/webhook-limit.js";
import { deliver, payload, sign } from "../../support/webhooks.js";
import { APP_REPO, commitApp, componentYaml, GITOPS_REPO, pushPayload, SECRET, sceneTeardown, startScene } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";
import { appPullRequest, comment, footprint, releaseImage, replies, startPromotionScene } from "../../support/promotion-scene.js";

const scenes = sceneTeardown();

/** Commits a new `.ferry/api.yaml` and returns its push payload. */
async function pushOf(s: Scene, image: string) {
  const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image }) });
  return { sha, body: pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }) };
}

/** Everything a logger writes, as text. */
function capturedLogger() {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  return { logger: pino({ level: "trace" }, sink), text: () => chunks.join("") };
}

describe("webhook security", () => {
  it("refuses a forged, tampered or missing signature before any work: no GitHub call, no job", async () => {
    const s = scenes.track(await startScene());
    const { body } = await pushOf(s, "ghcr.io/acme/api:5.0.0");
    const other = JSON.stringify({ ...body, after: "0".repeat(40) });
    const answers = [
      await deliver(s.server.url, "push", body, { secret: "not-the-secret" }),
      await deliver(s.server.url, "push", body, { signature: sign(other, SECRET) }),
      await deliver(s.server.url, "push", body, {}),
    ];
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400]);
    expect(answers[0]!.body).toMatch(/signature does not match/);
    expect(answers[2]!.body).toMatch(/x-hub-signature-256/);
    await s.queue.idle();
    expect(s.fake.requests).toEqual([]);
    expect(s.queue.stats()).toMatchObject({ succeeded: 0, failed: 0 });
    expect(answers.map((a) => s.deliveries.state(a.id))).toEqual([undefined, undefined, undefined]);
    expect(await s.gitopsLog()).toEqual(["initial"]);
  });

  it("refuses a payload over 25 MiB, even correctly signed, before any work", async () => {
    const s = scenes.track(await startScene());
    const { body } = await pushOf(s, "ghcr.io/acme/api:5.1.0");
    const padded = { ...body, padding: "x".repeat(MAX_WEBHOOK_BYTES) };
    const res = await deliver(s.server.url, "push", padded, { secret: SECRET });
    expect(res.status).toBe(413);
    expect(res.body).toMatch(/payload too large/);
    await s.queue.idle();
    expect(s.fake.requests).toEqual([]);
    expect(s.deliveries.state(res.id)).toBeUndefined();
    expect(await s.gitopsLog()).toEqual(["initial"]);

    // The limit leaves ordinary deliveries alone.
    expect((await s.post("push", body)).outcome).toBe("done");
    expect(await s.gitopsLog()).toHaveLength(2);
  });

  it("changes nothing when a delivery is replayed, to the same app instance or after a restart", async () => {
    const s = scenes.track(await startScene());
    const { sha, body } = await pushOf(s, "ghcr.io/acme/api:5.2.0");
    const id = "replayed-delivery";
    expect(await s.post("push", body, id)).toMatchObject({ status: 200, outcome: "done" });
    const landed = await s.gitopsLog();
    expect(landed).toEqual(["initial", expect.stringMatching(/^ferry: release shop\/api [0-9a-f]{12} to dev$/)]);
    const head = await s.git.git(GITOPS_REPO, ["rev-parse", "main"]);
    const deployments = s.fake.deploymentsIn(APP_REPO).length;

    // Same id, same body: the instance remembers it and does not run it again.
    const requests = s.fake.requests.length;
    expect(await s.post("push", body, id)).toMatchObject({ status: 200, outcome: "none" });
    expect(s.fake.requests).toHaveLength(requests);
    expect(await s.gitopsLog()).toEqual(landed);

    // A new instance has an empty dedupe cache and runs it: the release is in git already, so nothing new is committed.
    await s.restart();
    expect(s.deliveries.state(id)).toBeUndefined();
    expect(await s.post("push", body, id)).toMatchObject({ status: 200, outcome: "done" });
    expect(await s.gitopsLog()).toEqual(landed);
    expect(await s.git.git(GITOPS_REPO, ["rev-parse", "main"])).toBe(head);
    expect(s.fake.deploymentsIn(APP_REPO)).toHaveLength(deployments);
    expect(s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)!.conclusion).toBe("success");
  });

  it("never writes installation tokens or the app's private key to the logs", async () => {
    const captured = capturedLogger();
    const s = scenes.track(await startScene({ logger: captured.logger }));
    // A release that lands, and one that fails (its error is logged).
    expect((await s.post("push", (await pushOf(s, "ghcr.io/acme/api:5.3.0")).body)).outcome).toBe("done");
    await s.git.rejectPushes(GITOPS_REPO, { message: "frozen" });
    expect((await s.post("push", (await pushOf(s, "ghcr.io/acme/api:5.4.0")).body)).outcome).toBe("failed");

    const logs = captured.text();
    expect(logs).toContain("job done");
    expect(logs).toContain("job failed");
    const tokens = [...s.fake.state.tokens.keys()];
    expect(tokens.length).toBeGreaterThan(0);
    const leakedTokens = tokens.filter((t) => logs.includes(t));
    expect(leakedTokens).toEqual([]);
    // The PEM's body lines (64 base64 characters each); JSON logs would escape its line breaks.
    const keyLines = s.appKey.privateKey.split("\n").filter((l) => l.length > 0 && !l.startsWith("-----"));
    expect(keyLines.length).toBeGreaterThan(10);
    expect(keyLines.filter((l) => logs.includes(l))).toEqual([]);
    expect(logs).not.toContain("PRIVATE KEY");
  });
});

describe("commands and forks", () => {
  it("refuses a /ferry command from a user whose permission was lowered after the pull request opened", async () => {
    const p = await startPromotionScene();
    scenes.track(p.s);
    const s = p.s;
    await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    await releaseImage(p, "ghcr.io/acme/api:1.2.0");
    s.fake.setPermission(APP_REPO, "lee", "write");
    const pr = await appPullRequest(p);
    await comment(p, APP_REPO, pr.number, "lee", "/ferry rollback dev");
    expect(replies(s, APP_REPO, pr.number)[0]).toContain("opened [#");

    s.fake.setPermission(APP_REPO, "lee", "read");
    const before = await footprint(s);
    const c = await comment(p, APP_REPO, pr.number, "lee", "/ferry rollback dev");
    expect(replies(s, APP_REPO, pr.number)[1]).toBe(
      "> /ferry rollback dev\n\n@lee Ferry did not do this: @lee has read permission; rollback to dev needs write\n\nNothing was changed.",
    );
    expect(s.fake.state.comments.find((x) => x.id === c.id)!.reactions).toEqual([]);
    expect(await footprint(s)).toBe(before);
  });

  it("never acts on a fork's pull request named like a Ferry branch into the GitOps repository", async () => {
    const p = await startPromotionScene();
    scenes.track(p.s);
    const s = p.s;
    await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const before = await footprint(s);
    const gitopsComments = s.fake.state.comments.length;
    await s.fake.addRepo({ owner: "mallory", name: "gitops", forkOf: GITOPS_REPO });
    const branch = "ferry/promote/shop/api/staging";
    await s.fake.setBranch("mallory/gitops", branch);
    await s.fake.commit("mallory/gitops", { files: { "environments/staging/shop/api/deployment-api.yaml": "evil: true\n" }, branch });
    const pr = await s.fake.openPullRequest(GITOPS_REPO, { head: `mallory:${branch}`, title: "ferry: promote shop/api to staging", user: "mallory" });
    const forkHead = { label: `mallory:${branch}`, repo: { full_name: "mallory/gitops", name: "gitops", fork: true, owner: { login: "mallory" } } };
    for (const action of ["opened", "synchronize"] as const) {
      const body = payload("pull_request", action, {
        repo: GITOPS_REPO,
        number: pr.number,
        sha: pr.head.sha,
        branch,
        baseBranch: "main",
        sender: "mallory",
        installationId: s.installationId,
        overrides: { pull_request: { head: forkHead, user: { login: "mallory", type: "User" } } },
      });
      expect((await s.post("pull_request", body)).status).toBe(200);
    }
    expect(s.fake.pullsIn(GITOPS_REPO).find((x) => x.number === pr.number)).toMatchObject({ state: "open", mergedAt: null });
    expect(s.fake.checkRunsFor(GITOPS_REPO, { sha: pr.head.sha })).toEqual([]);
    expect(s.fake.state.comments).toHaveLength(gitopsComments);
    // Only the fork's own pull request (and the ref GitHub keeps for it) is new.
    type Footprint = { gitops: string; pulls: string[] };
    const then = JSON.parse(before) as Footprint;
    const now = JSON.parse(await footprint(s)) as Footprint;
    expect(now.pulls.filter((x) => !then.pulls.includes(x))).toEqual([expect.stringMatching(new RegExp(`^${GITOPS_REPO}#${pr.number}:open:`))]);
    const withoutForkRef = (refs: string) =>
      refs
        .split("\n")
        .filter((line) => !line.startsWith(`refs/pull/${pr.number}/head `))
        .join("\n");
    expect({ ...now, gitops: withoutForkRef(now.gitops), pulls: then.pulls }).toEqual(then);
  });
});
