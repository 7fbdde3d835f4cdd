/** `ferry preview list|remove` against a GitOps repository on disk: times from the preview folder's commits, never from stored text. */
import { execFileSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Scratch, runCli } from "../../support/workspace.js";

const PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata:
  name: acme
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  pricing: {cpu: 20, memory: 4, currency: EUR}
  environments:
    - name: dev
      cluster: {context: dev}
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
  previews:
    from: dev
    ttl: 24h
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop-pr-7}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: main
          image: ghcr.io/acme/api:2.0.0
          resources: {requests: {cpu: 500m, memory: 512Mi}}
`;

let s: Scratch;
let gitops: string;
beforeEach(() => {
  s = new Scratch();
});
afterEach(() => s.cleanup());

function git(date: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd: gitops,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@x",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@x",
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    },
  }).toString();
}

describe("ferry preview", () => {
  it("lists a preview with createdAt and expiresAt from its commits (the last push + ttl), then removes it with a commit", async () => {
    s.write("platform", { ".ferry/platform.yaml": PLATFORM });
    gitops = s.write("gitops", {
      "README.md": "gitops\n",
      "previews/pr-7/shop/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop-pr-7}\n",
      "previews/pr-7/shop/api/deployment-api.yaml": DEPLOYMENT,
      "previews/pr-7/shop/api/httproute-api-web.yaml":
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: api-web, namespace: shop-pr-7}\nspec:\n  hostnames: [pr-7-api.preview.example.com]\n",
    });
    git("2026-03-01T08:00:00Z", "init", "-q", "-b", "main");
    git("2026-03-01T08:00:00Z", "add", "README.md");
    git("2026-03-01T08:00:00Z", "commit", "-q", "-m", "initial");
    git("2026-03-02T10:00:00Z", "add", "previews");
    git(
      "2026-03-02T10:00:00Z",
      "commit",
      "-q",
      "-m",
      "preview acme/shop-api#7: shop/api\n\nFerry-Preview: acme/shop-api#7\nFerry-Source: acme/shop-api@" + "a".repeat(40),
    );
    // A push to the pull request later: the ttl counts from here. The folder's text says nothing of times.
    s.write("gitops", { "previews/pr-7/shop/api/deployment-api.yaml": DEPLOYMENT.replace("2.0.0", "2.1.0") });
    git("2026-03-03T09:30:00Z", "add", "previews");
    git(
      "2026-03-03T09:30:00Z",
      "commit",
      "-q",
      "-m",
      "preview acme/shop-api#7: shop/api\n\nFerry-Preview: acme/shop-api#7\nFerry-Source: acme/shop-api@" + "c".repeat(40),
    );

    const list = await runCli(["preview", "list", "--platform", s.path("platform"), "--gitops", gitops, "--json"], { FERRY_CACHE_DIR: s.path("cache") });
    expect(list.stderr).toBe("");
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      {
        repo: "acme/shop-api",
        pr: 7,
        components: ["shop/api"],
        namespace: "shop-pr-7",
        urls: ["https://pr-7-api.preview.example.com"],
        createdAt: "2026-03-02T10:00:00Z",
        expiresAt: "2026-03-04T09:30:00Z",
        // 0.5 cpu x 20 + 0.5 GiB x 4
        monthlyCost: 12,
      },
    ]);

    const removed = await runCli(["preview", "remove", "7", "--platform", s.path("platform"), "--gitops", gitops], { FERRY_CACHE_DIR: s.path("cache") });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^removed the preview of pull request 7/);
    const after = await runCli(["preview", "list", "--platform", s.path("platform"), "--gitops", gitops, "--json"], { FERRY_CACHE_DIR: s.path("cache") });
    expect(JSON.parse(after.stdout)).toEqual([]);
  });
});
