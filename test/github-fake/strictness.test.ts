/**
 * The fake is strict: requests it cannot match to the contract, requests that break the contract
 * and responses of its own that would break it are recorded as violations and answered with an
 * error. Each test provokes violations on purpose, checks them, then clears them.
 */
import { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ContractIndex, FakeGitHub, type Violation } from "../support/fake-github/index.js";

const contract = ContractIndex.load();
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let fake: FakeGitHub;
let token: string;
let head: string;

/** Raw request with an installation token, bypassing Octokit's own parameter handling. */
async function raw(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      authorization: `token ${token}`,
      accept: "application/vnd.github+json",
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The violations so far, then forgets them. */
function takeViolations(): Violation[] {
  const list = [...fake.violations];
  fake.clearViolations();
  return list;
}

beforeAll(async () => {
  fake = await FakeGitHub.start({ contract });
  const inst = fake.addInstallation({ account: "acme" });
  fake.addInstallation({ account: "other" });
  await fake.addRepo({ owner: "acme", name: "app", files: { "README.md": "hello\n" } });
  await fake.addRepo({ owner: "other", name: "secret", files: { "x.txt": "x\n" } });
  token = fake.issueToken(inst.id).token;
  head = (await fake.branchSha("acme/app")) ?? "";
});

afterEach(() => {
  fake.assertNoViolations();
});

afterAll(async () => {
  await fake.close();
});

describe("requests the contract does not have", () => {
  it("rejects an unknown path with 404 and records it", async () => {
    const res = await raw("GET", "/repos/acme/app/actions/runs");
    expect(res.status).toBe(404);
    const [v, ...rest] = takeViolations();
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ kind: "unmatched", method: "GET", url: "/repos/acme/app/actions/runs", operation: undefined });
    expect(v?.message).toMatch(/no operation in the contract matches GET \/repos\/acme\/app\/actions\/runs/);
  });

  it("rejects a known path with a method the contract lacks", async () => {
    const res = await raw("DELETE", "/repos/acme/app");
    expect(res.status).toBe(404);
    expect(takeViolations().map((v) => v.message)).toEqual(["/repos/acme/app exists in the contract only for GET, not DELETE"]);
  });

  it("rejects GraphQL (not part of the REST contract)", async () => {
    const res = await raw("POST", "/graphql", { query: "{ viewer { login } }" });
    expect(res.status).toBe(404);
    expect(takeViolations().map((v) => v.kind)).toEqual(["unmatched"]);
  });
});

describe("requests that break the contract", () => {
  it("rejects a body field of the wrong type and a missing required field, naming both", async () => {
    const res = await raw("POST", "/repos/acme/app/check-runs", { name: 5 });
    expect(res.status).toBe(422);
    const [v] = takeViolations();
    expect(v?.kind).toBe("request");
    expect(v?.operation).toBe("POST /repos/{owner}/{repo}/check-runs");
    expect(v?.details).toEqual(expect.arrayContaining(["body/name: must be string", "body: must have required property 'head_sha'"]));
    expect(fake.state.checkRuns).toEqual([]);
  });

  it("rejects a misspelt body field GitHub would silently ignore", async () => {
    const res = await raw("POST", "/repos/acme/app/check-runs", { name: "Ferry / validate", head_sha: head, conclussion: "success" });
    expect(res.status).toBe(422);
    expect(takeViolations()[0]?.details).toContain('body: must NOT have additional properties "conclussion"');
  });

  it("rejects an enum value outside the schema", async () => {
    const res = await raw("POST", "/repos/acme/app/check-runs", { name: "x", head_sha: head, conclusion: "passed" });
    expect(res.status).toBe(422);
    expect(takeViolations()[0]?.details.join("\n")).toMatch(/body\/conclusion: must be equal to one of the allowed values/);
  });

  it("rejects a bad query parameter value and an unknown query parameter", async () => {
    const res = await raw("GET", "/repos/acme/app/pulls?state=merged&per_page=lots&colour=red");
    expect(res.status).toBe(422);
    const details = takeViolations()[0]?.details ?? [];
    expect(details).toEqual(
      expect.arrayContaining([
        'query parameter "colour" is not defined for GET /repos/{owner}/{repo}/pulls',
        expect.stringMatching(/^params\/state: must be equal to one of the allowed values/),
        "params/per_page: must be integer",
      ]),
    );
  });

  it("rejects a non-integer path parameter", async () => {
    const res = await raw("GET", "/repos/acme/app/pulls/first");
    expect(res.status).toBe(422);
    expect(takeViolations()[0]?.details).toEqual(["params/pull_number: must be integer"]);
  });

  it("rejects a missing body where one is required, and non-JSON bodies", async () => {
    expect((await raw("POST", "/repos/acme/app/issues/1/comments")).status).toBe(422);
    expect((await raw("POST", "/repos/acme/app/git/refs", "ref=refs/heads/x", { "content-type": "application/x-www-form-urlencoded" })).status).toBe(400);
    expect(takeViolations().map((v) => v.message)).toEqual([
      "Validation Failed: the request does not match the contract",
      'request body must be JSON, got content-type "application/x-www-form-urlencoded"',
    ]);
  });

  it("rejects media types the contract does not describe (raw contents)", async () => {
    const res = await raw("GET", "/repos/acme/app/contents/README.md", undefined, { accept: "application/vnd.github.raw" });
    expect(res.status).toBe(400);
    expect(takeViolations()[0]?.message).toMatch(/media type application\/vnd\.github\.raw is not covered by the contract/);
  });

  it("enforces GitHub's comment length limit", async () => {
    await fake.commit("acme/app", { branch: "long", files: { "a.txt": "a\n" } });
    const gh = new Octokit({ baseUrl: fake.url, auth: token, log: quiet });
    const pr = await gh.pulls.create({ owner: "acme", repo: "app", head: "long", base: "main", title: "long" });
    const res = await raw("POST", `/repos/acme/app/issues/${pr.data.number}/comments`, { body: "x".repeat(65537) });
    expect(res.status).toBe(422);
    expect(res.json.errors).toEqual([expect.objectContaining({ field: "body", message: "body is too long (maximum is 65536 characters)" })]);
    expect(fake.commentsOn("acme/app", pr.data.number)).toEqual([]);
    expect((await raw("POST", `/repos/acme/app/issues/${pr.data.number}/comments`, { body: "x".repeat(65536) })).status).toBe(201);
  });

  it("flags editing or deleting a comment someone else wrote (GitHub allows it; Ferry must not)", async () => {
    const issue = fake.addIssue("acme/app", { title: "notes" });
    const theirs = fake.addComment("acme/app", issue.number, { user: "dev", body: "<!-- ferry:preview --> quoted" });
    expect((await raw("PATCH", `/repos/acme/app/issues/comments/${theirs.id}`, { body: "overwritten" })).status).toBe(200);
    expect((await raw("DELETE", `/repos/acme/app/issues/comments/${theirs.id}`)).status).toBe(204);
    expect(takeViolations().map((v) => [v.kind, v.message])).toEqual([
      ["misuse", `edited comment ${theirs.id} by dev, not by the app (GitHub allows it, Ferry should not)`],
      ["misuse", `deleted comment ${theirs.id} by dev, not by the app (GitHub allows it, Ferry should not)`],
    ]);
  });

  it("flags a pull request head filter without owner, which GitHub silently ignores", async () => {
    const res = await raw("GET", "/repos/acme/app/pulls?head=feature");
    expect(res.status).toBe(200);
    expect(takeViolations()).toEqual([
      expect.objectContaining({ kind: "misuse", message: expect.stringMatching(/head filter "feature" is not "owner:branch"/) }),
    ]);
  });
});

describe("authentication and authorisation", () => {
  it("refuses requests without credentials, with an unknown token, or with a JWT on a repository endpoint", async () => {
    const none = await fetch(`${fake.url}/repos/acme/app`);
    expect(none.status).toBe(401);
    const bogus = await fetch(`${fake.url}/repos/acme/app`, { headers: { authorization: "token ghs_bogus" } });
    expect(bogus.status).toBe(401);
    const jwt = await fetch(`${fake.url}/repos/acme/app`, { headers: { authorization: "Bearer aaa.bbb.ccc" } });
    expect(jwt.status).toBe(401);
    expect(takeViolations().map((v) => [v.kind, v.message])).toEqual([
      ["auth", "Requires authentication"],
      ["auth", "Bad credentials (unknown installation token)"],
      ["auth", "GET /repos/{owner}/{repo} needs an installation token, not the app JWT"],
    ]);
  });

  it("refuses an installation token on an app endpoint", async () => {
    expect((await raw("GET", "/app")).status).toBe(401);
    expect(takeViolations()[0]?.message).toBe("GET /app needs an app JWT (Authorization: Bearer <jwt>), not an installation token");
  });

  it("refuses a repository the token's installation does not cover", async () => {
    const res = await raw("GET", "/repos/other/secret/contents/x.txt");
    expect(res.status).toBe(404);
    expect(takeViolations()[0]).toMatchObject({ kind: "auth", message: expect.stringMatching(/installation \d+ \(acme\) cannot see other\/secret/) });
  });

  it("answers 404 without a violation for a repository that does not exist", async () => {
    expect((await raw("GET", "/repos/acme/nope")).status).toBe(404);
    expect(fake.violations).toEqual([]);
  });

  it("enforces explicit installation permissions", async () => {
    const narrow = fake.addInstallation({ account: "acme", permissions: { contents: "read", checks: "read" } });
    const gh = new Octokit({ baseUrl: fake.url, auth: fake.issueToken(narrow.id).token, log: quiet });
    await expect(gh.checks.create({ owner: "acme", repo: "app", name: "x", head_sha: head })).rejects.toMatchObject({ status: 403 });
    await expect(gh.repos.getContent({ owner: "acme", repo: "app", path: "README.md" })).resolves.toMatchObject({ status: 200 });
    expect(takeViolations()).toEqual([
      expect.objectContaining({ kind: "permission", details: [expect.stringMatching(/POST \/repos\/\{owner\}\/\{repo\}\/check-runs needs checks: write/)] }),
    ]);
  });
});

describe("responses that would break the contract", () => {
  it("catches a response body of the wrong shape and answers 500 instead", async () => {
    const remove = fake.override("GET /repos/{owner}/{repo}", () => ({ status: 200, body: { id: "not-a-number", name: "app", surprise: true } }));
    try {
      const res = await raw("GET", "/repos/acme/app");
      expect(res.status).toBe(500);
    } finally {
      remove();
    }
    const [v] = takeViolations();
    expect(v?.kind).toBe("response");
    expect(v?.details).toEqual(expect.arrayContaining(["response/id: must be integer", 'response: must NOT have additional properties "surprise"']));
    expect((await raw("GET", "/repos/acme/app")).status).toBe(200);
  });

  it("catches a success status the operation does not declare", async () => {
    const remove = fake.override("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", () => ({ status: 200, body: {} }));
    try {
      expect((await raw("POST", "/repos/acme/app/issues/1/comments", { body: "hi" })).status).toBe(500);
    } finally {
      remove();
    }
    expect(takeViolations()[0]?.details).toEqual(["POST /repos/{owner}/{repo}/issues/{issue_number}/comments does not declare a 200 response"]);
  });

  it("lets an override pass through and lets error responses through when they look like GitHub errors", async () => {
    const remove = fake.override("GET /repos/{owner}/{repo}/branches/{branch}", (ctx) =>
      ctx.params.branch === "flaky" ? { status: 502, body: { message: "Server Error" } } : undefined,
    );
    try {
      expect((await raw("GET", "/repos/acme/app/branches/flaky")).status).toBe(502);
      expect((await raw("GET", "/repos/acme/app/branches/main")).json).toMatchObject({ name: "main", commit: { sha: head } });
    } finally {
      remove();
    }
    expect(fake.violations).toEqual([]);
  });
});

describe("conditional requests", () => {
  it("sends an ETag on a GET and answers 304 without a body when If-None-Match names it", async () => {
    const first = await fetch(`${fake.url}/repos/acme/app`, { headers: { authorization: `token ${token}` } });
    const etag = first.headers.get("etag");
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    const from = fake.requests.length;
    const again = await fetch(`${fake.url}/repos/acme/app`, { headers: { authorization: `token ${token}`, "if-none-match": `"other", ${etag!}` } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    const stale = await fetch(`${fake.url}/repos/acme/app`, { headers: { authorization: `token ${token}`, "if-none-match": 'W/"stale"' } });
    expect(stale.status).toBe(200);
    expect(fake.requests.slice(from).map((r) => [r.status, r.conditional])).toEqual([
      [304, true],
      [200, true],
    ]);
    expect(fake.violations).toEqual([]);
  });

  it("accepts a bodyless 304 for every GET, declared or not, and nothing else", () => {
    const route = (method: string, path: string) => {
      const m = contract.match(method, path);
      if (m.kind !== "matched") throw new Error(`${method} ${path} does not match`);
      return m.route;
    };
    const repo = route("GET", "/repos/acme/app");
    expect(contract.responseSpec(repo, 304)).toBeUndefined(); // GitHub's OpenAPI does not list it here
    expect(contract.checkResponse(repo, 304, undefined)).toEqual([]);
    expect(contract.checkResponse(repo, 304, { message: "Not Modified" })).toEqual(["GET /repos/{owner}/{repo} answers 304 without a body"]);
    expect(contract.checkResponse(route("POST", "/repos/acme/app/issues/1/comments"), 304, undefined)).toEqual([
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments does not declare a 304 response",
    ]);
  });
});

describe("assertNoViolations", () => {
  it("throws with every violation listed, then is quiet once cleared", async () => {
    await raw("GET", "/nowhere");
    await raw("PATCH", "/repos/acme/app/pulls/1", { state: "gone" });
    expect(() => fake.assertNoViolations()).toThrowError(
      /2 violation\(s\):\n1\. \[unmatched\] GET \/nowhere[\s\S]*2\. \[request\] PATCH \/repos\/acme\/app\/pulls\/1 \(PATCH \/repos\/\{owner\}\/\{repo\}\/pulls\/\{pull_number\}\)/,
    );
    fake.clearViolations();
    expect(() => fake.assertNoViolations()).not.toThrow();
  });
});
