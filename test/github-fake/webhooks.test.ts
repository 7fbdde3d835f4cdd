/**
 * The webhook harness: real example payloads adjusted per case, GitHub's signature (checked
 * against @octokit/webhooks-methods), and Probot, wired to the fake GitHub, accepting a signed
 * delivery and refusing unsigned or wrongly signed ones.
 */
import { sign as referenceSign, verify } from "@octokit/webhooks-methods";
import type { Probot } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ContractIndex, FakeGitHub } from "../support/fake-github/index.js";
import { createTestProbot, generateAppKey, startWebhookServer, type WebhookServer } from "../support/fake-github/probot.js";
import { deepMerge, deliver, examples, payload, receive, sign } from "../support/webhooks.js";

const SECRET = "It's a Secret to Everybody";

describe("payload", () => {
  it("starts from a real branch push with commits and rewrites repository, sha, branch and files", () => {
    const original = examples("push").find((e) => e.ref === "refs/heads/master" && e.installation);
    expect(original).toBeDefined();
    const p = payload("push", undefined, {
      repo: "acme/app",
      sha: "a".repeat(40),
      before: "b".repeat(40),
      branch: "main",
      installationId: 42,
      sender: "dev",
      files: { modified: [".ferry/api.yaml"], added: [".ferry/new.yaml"] },
    });
    expect(p.ref).toBe("refs/heads/main");
    expect(p.after).toBe("a".repeat(40));
    expect(p.before).toBe("b".repeat(40));
    expect(p.head_commit?.id).toBe("a".repeat(40));
    expect(p.head_commit).toMatchObject({ modified: [".ferry/api.yaml"], added: [".ferry/new.yaml"], removed: [] });
    expect(p.repository).toMatchObject({ name: "app", full_name: "acme/app", default_branch: "main", owner: { login: "acme" } });
    expect(p.repository.html_url).toMatch(/\/acme\/app$/);
    expect(p.repository.owner?.url).toMatch(/\/users\/acme$/);
    expect(JSON.stringify(p)).not.toContain("Codertocat/Hello-World");
    expect(p.installation?.id).toBe(42);
    expect(p.sender?.login).toBe("dev");
  });

  it("adjusts pull request payloads: number, head and base, both repositories", () => {
    const p = payload("pull_request", "synchronize", { repo: "acme/app", number: 7, sha: "c".repeat(40), branch: "feature", baseBranch: "main" });
    expect(p.action).toBe("synchronize");
    expect(p.number).toBe(7);
    expect(p.pull_request).toMatchObject({ number: 7, head: { sha: "c".repeat(40), ref: "feature" }, base: { ref: "main", repo: { full_name: "acme/app" } } });
    expect(p.pull_request.head.repo?.full_name).toBe("acme/app");
  });

  it("covers the events Ferry handles", () => {
    expect(payload("issue_comment", "created", { repo: "acme/gitops", body: "/ferry promote prod", number: 3 }).comment.body).toBe("/ferry promote prod");
    expect(payload("pull_request_review", "submitted", { sha: "d".repeat(40) }).review.commit_id).toBe("d".repeat(40));
    expect(payload("check_run", "completed", { sha: "e".repeat(40) }).check_run.head_sha).toBe("e".repeat(40));
    expect(payload("workflow_run", "completed", { branch: "main" }).workflow_run.head_branch).toBe("main");
    expect(payload("installation", "created").installation.account).toBeDefined();
    expect(payload("pull_request", "closed", { overrides: { pull_request: { merged: true } } }).pull_request.merged).toBe(true);
  });

  it("names the available actions when an example is missing", () => {
    expect(() => payload("pull_request_review", "exploded")).toThrowError(
      /no "pull_request_review" example with action "exploded" \(examples have: submitted, dismissed\)/,
    );
    expect(() => examples("no_such_event")).toThrowError(/has no "no_such_event" event/);
  });

  it("deep-merges overrides: objects merge, arrays and scalars replace, null sets null", () => {
    const merged = deepMerge({ a: { b: 1, c: [1, 2], d: "x" }, e: 1 }, { a: { c: [3], d: null }, f: { g: true } });
    expect(merged).toEqual({ a: { b: 1, c: [3], d: null }, e: 1, f: { g: true } });
  });
});

describe("sign", () => {
  it("produces GitHub's sha256 signature, as @octokit/webhooks-methods does", async () => {
    const body = JSON.stringify(payload("push", undefined, { repo: "acme/app" }));
    const signature = sign(body, SECRET);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signature).toBe(await referenceSign(SECRET, body));
    await expect(verify(SECRET, body, signature)).resolves.toBe(true);
    await expect(verify("another secret", body, signature)).resolves.toBe(false);
    // GitHub's documented test vector.
    expect(sign("Hello, World!", SECRET)).toBe("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  });
});

describe("Probot against the fake", () => {
  const contract = ContractIndex.load();
  let fake: FakeGitHub;
  let probot: Probot;
  let server: WebhookServer;
  const handled: string[] = [];

  beforeAll(async () => {
    fake = await FakeGitHub.start({ contract });
    fake.addInstallation({ id: 4242, account: "acme" });
    await fake.addRepo({ owner: "acme", name: "app", files: { ".ferry/api.yaml": "kind: Component\n" } });
    probot = createTestProbot(fake, { secret: SECRET, key: generateAppKey() });
    server = await startWebhookServer(probot, (app) => {
      app.on("push", async (context) => {
        handled.push(context.id);
        await context.octokit.rest.checks.create({ ...context.repo(), name: "Ferry / release", head_sha: context.payload.after, conclusion: "success" });
      });
    });
  });

  afterEach(() => {
    fake.assertNoViolations();
  });

  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  it("accepts a signed delivery and the handler talks to the fake with an installation token", async () => {
    const sha = (await fake.branchSha("acme/app")) ?? "";
    const body = payload("push", undefined, { repo: "acme/app", sha, installationId: 4242 });
    const res = await deliver(server.url, "push", body, { secret: SECRET, id: "delivery-signed" });
    expect(res.status).toBe(200);
    expect(handled).toContain("delivery-signed");
    expect(fake.latestCheckRun("acme/app", "Ferry / release", sha)?.conclusion).toBe("success");
    const tokenRequests = fake.requestsTo("POST /app/installations/{installation_id}/access_tokens");
    expect(tokenRequests.map((r) => r.status)).toEqual([201]);
    expect(fake.requestsTo("POST /repos/{owner}/{repo}/check-runs").map((r) => r.installationId)).toEqual([4242]);
  });

  it("rejects a wrongly signed delivery and an unsigned one without running the handler", async () => {
    const body = payload("push", undefined, { repo: "acme/app", installationId: 4242 });
    const wrong = await deliver(server.url, "push", body, { signature: sign(JSON.stringify(body), "not the secret"), id: "delivery-forged" });
    const unsigned = await deliver(server.url, "push", body, { id: "delivery-unsigned" });
    const tampered = await deliver(
      server.url,
      "push",
      { ...body, after: "f".repeat(40) },
      { signature: sign(JSON.stringify(body), SECRET), id: "delivery-tampered" },
    );
    expect([wrong.status, unsigned.status, tampered.status]).toEqual([400, 400, 400]);
    expect(handled).not.toContain("delivery-forged");
    expect(handled).not.toContain("delivery-unsigned");
    expect(handled).not.toContain("delivery-tampered");
  });

  it("delivers through probot.receive too", async () => {
    const sha = await fake.commit("acme/app", { files: { ".ferry/api.yaml": "kind: Component\nname: api\n" } });
    await receive(probot, "push", payload("push", undefined, { repo: "acme/app", sha, installationId: 4242 }), "delivery-direct");
    expect(handled).toContain("delivery-direct");
    expect(fake.latestCheckRun("acme/app", "Ferry / release", sha)?.status).toBe("completed");
  });

  it("refuses app JWTs signed by another key", async () => {
    const impostor = createTestProbot(fake, { secret: SECRET });
    fake.app.publicKey = generateAppKey().publicKey;
    const failures: unknown[] = [];
    impostor.on("push", async (context) => {
      await context.octokit.rest.repos.get(context.repo()).catch((e: unknown) => failures.push(e));
    });
    await receive(impostor, "push", payload("push", undefined, { repo: "acme/app", installationId: 4242 }));
    expect(failures).toHaveLength(1);
    expect(fake.violations.map((v) => v.message)).toEqual([expect.stringMatching(/JWT signature does not verify with the app's public key/)]);
    fake.clearViolations();
  });
});
