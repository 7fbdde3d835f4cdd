import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ApplicationSet } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import { Kustomization } from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1";
import { GitRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1";
import { startGitServer } from "../../support/git-server.js";
import type { GitServer } from "../../support/git-server.js";
import { API_YAML, PLATFORM_YAML, Scratch, runCli } from "../../support/workspace.js";

/** `ferry publish`, `history` and `bootstrap` against a real git server (git http-backend). */
let server: GitServer;
const s = new Scratch();
const TOKEN = "t0ken-for-tests";

beforeAll(async () => {
  server = await startGitServer({ token: TOKEN });
  await server.createRepo("acme/gitops", { files: { "README.md": "GitOps\n" } });
  s.write("platform", { ".ferry/platform.yaml": PLATFORM_YAML });
  const app = s.write("apps/acme/shop-api", { ".ferry/api.yaml": API_YAML, ".ferry/web.yaml": API_YAML.replace("name: api", "name: web") });
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: app,
      env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" },
    });
  git("init", "-q", "-b", "main");
  git("remote", "add", "origin", "https://github.com/acme/shop-api.git");
  git("add", "-A");
  git("commit", "-qm", "components");
});
afterAll(async () => {
  await server.close();
  s.cleanup();
});

const env = { GITHUB_TOKEN: TOKEN, FERRY_CACHE_DIR: "" };
const publish = (extra: string[] = [], e: Record<string, string> = env) =>
  runCli(
    [
      "publish",
      s.path("apps/acme/shop-api"),
      "--platform",
      s.path("platform"),
      "--env",
      "dev",
      "--gitops",
      server.repoUrl("acme/gitops"),
      "--cache-dir",
      s.path("cache"),
      ...extra,
    ],
    e,
  );

describe("ferry publish", () => {
  it("commits the rendered environment once, with trailers, and nothing on a re-run", async () => {
    const first = await publish();
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const sha = /committed ([0-9a-f]{40})/.exec(first.stdout)?.[1];
    expect(sha).toBeDefined();
    expect(await server.head("acme/gitops")).toBe(sha);
    const files = (await server.git("acme/gitops", ["ls-tree", "-r", "--name-only", sha!])).split("\n");
    expect(files).toContain("environments/dev/shop/api/deployment-api.yaml");
    expect(files).toContain("environments/dev/shop/web/service-web.yaml");
    expect(files).toContain("environments/dev/shop/namespace.yaml");
    expect(files.filter((f) => f.startsWith("releases/shop/"))).toHaveLength(2);
    const trailers = await server.git("acme/gitops", ["log", "-1", "--format=%(trailers:unfold)", sha!]);
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: s.path("apps/acme/shop-api") })
      .toString()
      .trim();
    expect(trailers).toContain("Ferry-Environment: dev");
    expect(trailers).toContain("Ferry-Component: shop/api");
    expect(trailers).toContain(`Ferry-Source: acme/shop-api@${head}`);
    expect(trailers).toMatch(/Ferry-Release: [0-9a-f]{12}/);
    await server.git("acme/gitops", ["fsck", "--strict"]);

    const again = await publish();
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/dev: nothing changed/);
    expect(await server.head("acme/gitops")).toBe(sha);
  });

  it("prunes a component the app no longer declares when asked", async () => {
    const before = await server.head("acme/gitops");
    const app = s.path("apps/acme/shop-api");
    execFileSync("git", ["rm", "-q", ".ferry/web.yaml"], { cwd: app });
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "drop web"], { cwd: app });
    const run = await publish(["--prune-components"]);
    expect(run.code).toBe(0);
    const after = await server.head("acme/gitops");
    expect(after).not.toBe(before);
    const files = await server.git("acme/gitops", ["ls-tree", "-r", "--name-only", after!]);
    expect(files).not.toContain("environments/dev/shop/web/");
    expect(files).toContain("environments/dev/shop/api/deployment-api.yaml");
    expect(await server.git("acme/gitops", ["log", "-1", "--format=%(trailers:key=Ferry-Release,valueonly)", after!])).toContain("none");
  });

  it("fails clearly with a bad token and changes nothing", async () => {
    const before = await server.head("acme/gitops");
    const run = await publish(["--message", "with a bad token"], { GITHUB_TOKEN: "wrong" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/auth/i);
    expect(await server.head("acme/gitops")).toBe(before);
  });

  it("shows the component's history from the commits' trailers", async () => {
    const run = await runCli(
      ["history", "shop/web", "--platform", s.path("platform"), "--env", "dev", "--gitops", server.repoUrl("acme/gitops"), "--cache-dir", s.path("cache")],
      env,
    );
    expect(run.code).toBe(0);
    const rows = run.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^ENVIRONMENT\s+RELEASE\s+SINCE/);
    expect(rows[1]).toMatch(/^dev\s+\(removed\)/);
    expect(rows[2]).toMatch(/^dev\s+[0-9a-f]{12}\s/);
  });
});

describe("ferry bootstrap", () => {
  it("prints an Argo CD ApplicationSet that validates against the CRD model", async () => {
    const run = await runCli(["bootstrap", "argocd", "--platform", s.path("platform")]);
    expect(run.code).toBe(0);
    const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs).toHaveLength(1);
    const set = new ApplicationSet(docs[0] as never);
    expect(() => set.validate()).not.toThrow();
    expect(JSON.stringify(docs[0])).toContain("https://github.com/acme/gitops-prod.git");
  });

  it("bootstraps the bundled example: prod per cluster and dev's previews, every object valid", async () => {
    type Doc = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
    const argo = await runCli(["bootstrap", "argocd", "--platform", "examples/platform"]);
    expect(argo.code).toBe(0);
    const sets = parseAllDocuments(argo.stdout).map((d) => d.toJS() as Doc);
    for (const set of sets) expect(() => new ApplicationSet(set as never).validate(), set.metadata.name).not.toThrow();
    expect(sets.map((d) => d.metadata.name)).toEqual(["ferry", "ferry-clusters", "ferry-previews"]);
    expect(JSON.stringify(sets[1])).toContain('"path":"environments/prod/us-1"');
    expect(JSON.stringify(sets[2]?.spec.generators)).toBe(
      JSON.stringify([{ git: { directories: [{ path: "previews/pr-*" }], repoURL: "https://github.com/acme/gitops.git", revision: "main" } }]),
    );
    const flux = await runCli(["bootstrap", "flux", "--platform", "examples/platform", "--env", "dev", "--env", "prod"]);
    expect(flux.code).toBe(0);
    const objects = parseAllDocuments(flux.stdout).map((d) => d.toJS() as Doc);
    for (const o of objects) {
      const model = o.kind === "GitRepository" ? new GitRepository(o as never) : new Kustomization(o as never);
      expect(() => model.validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "GitRepository/ferry-dev",
      "Kustomization/ferry-dev",
      "GitRepository/ferry-dev-previews",
      "Kustomization/ferry-dev-previews",
      "GitRepository/ferry-prod",
      "Kustomization/ferry-prod-eu-1",
      "Kustomization/ferry-prod-us-1",
    ]);
  });

  it("prints Flux objects per environment", async () => {
    const run = await runCli(["bootstrap", "flux", "--platform", s.path("platform"), "--env", "prod"]);
    expect(run.code).toBe(0);
    const kinds = parseAllDocuments(run.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds.sort()).toEqual(["GitRepository", "Kustomization"]);
  });
});
