/**
 * `ferry drift` run in-process against a GitOps repository written by `ferry publish` and the
 * fake Kubernetes API (HTTPS, its own CA, a kubeconfig file): an object edited by hand in the
 * cluster and a release that differs between staging and prod show in the text and the JSON.
 */
import { PLATFORM } from "../../support/drift-platform.js";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFiles } from "../../../adapters/git/read.js";
import { objectsOfFiles } from "../../../core/drift/inputs.js";
import type { K8sObject } from "../../../renderers/types.js";
import { FakeKube, generateCerts, writeKubeconfig, type KubeObject } from "../../support/fake-kube/index.js";
import { API_YAML, Scratch, runCli } from "../../support/workspace.js";

/** A second component at one release in both environments: prod declares 2 replicas. */
const WEB_YAML = API_YAML.replace("name: api", "name: web");

const s = new Scratch();
let kube: FakeKube;
let gitops: string;
let kubeconfig: string;
let stagingRelease: string;
let prodRelease: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" },
  }).toString();
}

async function publish(env: string): Promise<void> {
  const run = await runCli(["publish", s.path("apps/acme/shop-api"), "--platform", s.path("platform"), "--env", env, "--gitops", gitops]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
}

async function gitObjects(env: string): Promise<K8sObject[]> {
  const { files } = await readFiles({ target: { url: gitops, branch: "main" }, paths: [`environments/${env}`] });
  return objectsOfFiles(files);
}

/** What an API server adds to an applied object: status and defaults git does not set. */
function asLive(o: K8sObject): KubeObject {
  const live = structuredClone(o) as unknown as KubeObject & { spec?: Record<string, unknown>; status?: unknown };
  live.metadata.annotations = { ...(live.metadata.annotations ?? {}), "deployment.kubernetes.io/revision": "1" };
  if (o.kind === "Deployment") {
    live.spec = { ...live.spec, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 };
    live.status = { observedGeneration: 1, replicas: 2, readyReplicas: 2 };
  }
  return live;
}

const drift = (args: string[] = []) => runCli(["drift", "--platform", s.path("platform"), "--gitops", gitops, "--kubeconfig", kubeconfig, ...args], {});

beforeAll(async () => {
  kube = await FakeKube.start({ certs: generateCerts(), rendered: true });
  s.write("platform", { ".ferry/platform.yaml": PLATFORM });
  const app = s.write("apps/acme/shop-api", { ".ferry/api.yaml": API_YAML, ".ferry/web.yaml": WEB_YAML });
  git(app, "init", "-q", "-b", "main");
  git(app, "remote", "add", "origin", "https://github.com/acme/shop-api.git");
  git(app, "add", "-A");
  git(app, "commit", "-qm", "components");
  gitops = s.path("gitops");
  git(s.root, "init", "-q", "--bare", "-b", "main", gitops);
  await publish("staging");
  await publish("prod");
  // A new image of api reaches staging only.
  s.write("apps/acme/shop-api", { ".ferry/api.yaml": API_YAML.replace("api:1.0.0", "api:1.1.0") });
  git(app, "commit", "-qam", "api 1.1.0");
  await publish("staging");

  kubeconfig = writeKubeconfig(
    s.path("kubeconfig.yaml"),
    ["kind-staging", "kind-prod"].map((context) => ({ context, server: kube.url, caPem: kube.caPem, token: kube.token })),
  );
  for (const env of ["staging", "prod"]) for (const o of await gitObjects(env)) kube.apply(asLive(o));
  const releaseOf = async (env: string) =>
    (await gitObjects(env)).find((o) => o.kind === "Deployment" && o.metadata.name === "api")?.metadata.labels?.["ferry.dev/release"] ?? "";
  stagingRelease = await releaseOf("staging");
  prodRelease = await releaseOf("prod");
});

afterAll(async () => {
  await kube.close();
  s.cleanup();
});

describe("ferry drift", () => {
  it("exits 0 with no drift when the cluster runs what git holds, defaults and status aside", async () => {
    const run = await drift(["--env", "prod"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^shop/api\\s+${prodRelease}$`, "m"));
    expect(run.stdout).toContain("No drift.");
  });

  it("takes no preview of prod for prod's: its objects carry prod's labels and ferry.dev/preview, and are not orphans", async () => {
    for (const o of await gitObjects("prod")) {
      if (o.kind !== "Namespace" && o.kind !== "Deployment") continue;
      const labels = { ...o.metadata.labels, "ferry.dev/preview": "7" };
      kube.apply(
        asLive(
          o.kind === "Namespace"
            ? { ...o, metadata: { ...o.metadata, name: "shop-pr-7", labels } }
            : { ...o, metadata: { ...o.metadata, namespace: "shop-pr-7", labels } },
        ),
      );
    }
    expect(kube.get({ apiVersion: "apps/v1", kind: "Deployment", namespace: "shop-pr-7", name: "api" })).toBeDefined();
    const run = await drift(["--env", "prod"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).not.toContain("shop-pr-7");
    expect(run.stdout).toContain("No drift.");
    expect(run.code).toBe(0);
  });

  it("shows an object edited by hand in the cluster and the release that differs between staging and prod", async () => {
    expect(stagingRelease).not.toBe(prodRelease);
    const deployment = kube.get({ apiVersion: "apps/v1", kind: "Deployment", namespace: "shop-prod", name: "api" }) as KubeObject & {
      spec: { replicas: number };
    };
    deployment.spec.replicas = 5;
    kube.apply(deployment);
    kube.apply({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "legacy", namespace: "shop-prod", labels: { "app.kubernetes.io/managed-by": "ferry", "ferry.dev/environment": "prod" } },
    });
    kube.delete({ apiVersion: "v1", kind: "Service", namespace: "shop-staging", name: "web" });

    const run = await drift();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^shop/api\\s+${stagingRelease}\\s+${prodRelease}$`, "m"));
    expect(run.stdout).toContain(`  release differs: shop/api: staging ${stagingRelease}, prod ${prodRelease}\n`);
    expect(run.stdout).toContain("  prod Deployment shop-prod/api: edited in the cluster\n    spec.replicas: git 2, live 5\n");
    expect(run.stdout).toContain("  staging Service shop-staging/web: in git, missing in the cluster\n");
    expect(run.stdout).toContain("  prod ConfigMap shop-prod/legacy: in the cluster, labelled as Ferry's, not in git\n");
    expect(run.stdout).toMatch(/^Drift \(4 findings\):$/m);
    expect(run.stdout).not.toContain("revisionHistoryLimit");

    const json = await drift(["--json"]);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as { drift: boolean; releases: unknown[]; findings: Record<string, unknown>[] };
    expect(out.drift).toBe(true);
    expect(out.releases).toContainEqual({ component: "shop/api", releases: { staging: stagingRelease, prod: prodRelease } });
    expect(out.findings).toEqual([
      { kind: "release", component: "shop/api", releases: { staging: stagingRelease, prod: prodRelease } },
      { kind: "missing", environment: "staging", object: { apiVersion: "v1", kind: "Service", namespace: "shop-staging", name: "web" } },
      {
        kind: "modified",
        environment: "prod",
        object: { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop-prod", name: "api" },
        fields: [{ path: "spec.replicas", git: 2, live: 5 }],
      },
      { kind: "orphan", environment: "prod", object: { apiVersion: "v1", kind: "ConfigMap", namespace: "shop-prod", name: "legacy" } },
    ]);
  });

  it("reports an unreadable cluster on stderr and exits 1, and a bad flag exits 2", async () => {
    const bad = writeKubeconfig(s.path("other.yaml"), [{ context: "elsewhere", server: kube.url, caPem: kube.caPem, token: kube.token }]);
    const run = await runCli(["drift", "--platform", s.path("platform"), "--gitops", gitops, "--kubeconfig", bad, "--env", "prod"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ferry drift: 1 problem:\n {2}prod: unreachable \(kubeconfig has no context "kind-prod"/);
    expect((await runCli(["drift", "--platform", s.path("platform"), "--nope"])).code).toBe(2);
    expect((await runCli(["drift", "--platform", s.path("platform"), "--env", "qa"])).code).toBe(2);
  });
});

/** prod on two clusters (eu-1 and us-1), us-1 with 3 replicas of its own: each cluster compared with its own folder. */
const CLUSTERS_PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  environments:
    - name: prod
      production: true
      gitops: {repo: acme/gitops, path: environments/prod}
      clusters:
        - {name: us-1, context: kind-us, wave: 2}
        - {name: eu-1, context: kind-eu, wave: 1}
`;

describe("ferry drift for an environment on several clusters", () => {
  const c = new Scratch();
  let eu: FakeKube;
  let us: FakeKube;
  let repo: string;
  let config: string;
  const run = (args: string[] = []) => runCli(["drift", "--platform", c.path("platform"), "--gitops", repo, "--kubeconfig", config, ...args], {});
  const folder = async (cluster: string) =>
    objectsOfFiles((await readFiles({ target: { url: repo, branch: "main" }, paths: [`environments/prod/${cluster}`] })).files);

  beforeAll(async () => {
    const certs = generateCerts();
    eu = await FakeKube.start({ certs, rendered: true });
    us = await FakeKube.start({ certs, rendered: true });
    c.write("platform", { ".ferry/platform.yaml": CLUSTERS_PLATFORM });
    const app = c.write("apps/acme/shop-api", {
      ".ferry/api.yaml": API_YAML.replace("prod: {replicas: 2}", "prod: {replicas: 2, clusters: {us-1: {replicas: 3}}}"),
    });
    git(app, "init", "-q", "-b", "main");
    git(app, "remote", "add", "origin", "https://github.com/acme/shop-api.git");
    git(app, "add", "-A");
    git(app, "commit", "-qm", "components");
    repo = c.path("gitops");
    git(c.root, "init", "-q", "--bare", "-b", "main", repo);
    const published = await runCli(["publish", app, "--platform", c.path("platform"), "--env", "prod", "--gitops", repo]);
    if (published.code !== 0) throw new Error(`ferry publish failed: ${published.stderr}`);
    config = writeKubeconfig(c.path("kubeconfig.yaml"), [
      { context: "kind-eu", server: eu.url, caPem: eu.caPem, token: eu.token },
      { context: "kind-us", server: us.url, caPem: us.caPem, token: us.token },
    ]);
    for (const o of await folder("eu-1")) eu.apply(asLive(o));
    for (const o of await folder("us-1")) us.apply(asLive(o));
  });

  afterAll(async () => {
    await eu.close();
    await us.close();
    c.cleanup();
  });

  it("compares each cluster with its own folder: clean in both (us-1's 3 replicas are its own), the aggregate clean", async () => {
    const replicas = (objs: K8sObject[]) => (objs.find((o) => o.kind === "Deployment") as unknown as { spec: { replicas: number } }).spec.replicas;
    expect([replicas(await folder("eu-1")), replicas(await folder("us-1"))]).toEqual([2, 3]);
    const clean = await run();
    expect(clean.stderr).toBe("");
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("No drift.");
    expect(clean.stdout).toMatch(/^ {2}prod {7}clean\n {2}prod\/eu-1 {2}clean\n {2}prod\/us-1 {2}clean\n/m);
    const json = JSON.parse((await run(["--json"])).stdout) as { drift: boolean; clusters: unknown };
    expect(json.drift).toBe(false);
    expect(json.clusters).toEqual([
      {
        environment: "prod",
        state: "clean",
        clusters: [
          { name: "eu-1", state: "clean", findings: 0 },
          { name: "us-1", state: "clean", findings: 0 },
        ],
      },
    ]);
  });

  it("names the cluster of each finding; the aggregate is drift while eu-1 stays clean; an unreachable cluster is not read", async () => {
    const deployment = us.get({ apiVersion: "apps/v1", kind: "Deployment", namespace: "shop-prod", name: "api" }) as KubeObject & {
      spec: { replicas: number };
    };
    deployment.spec.replicas = 5;
    us.apply(deployment);
    const out = await run();
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("  prod/us-1 Deployment shop-prod/api: edited in the cluster\n    spec.replicas: git 3, live 5\n");
    expect(out.stdout).toMatch(/^ {2}prod {7}drift\n {2}prod\/eu-1 {2}clean\n {2}prod\/us-1 {2}drift \(1 finding\)\n/m);
    const json = JSON.parse((await run(["--json"])).stdout) as { findings: unknown[]; clusters: { state: string }[] };
    expect(json.findings).toEqual([
      {
        kind: "modified",
        environment: "prod",
        cluster: "us-1",
        object: { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop-prod", name: "api" },
        fields: [{ path: "spec.replicas", git: 3, live: 5 }],
      },
    ]);
    expect(json.clusters[0]?.state).toBe("drift");

    deployment.spec.replicas = 3;
    us.apply(deployment);
    const onlyEu = writeKubeconfig(c.path("eu-only.yaml"), [{ context: "kind-eu", server: eu.url, caPem: eu.caPem, token: eu.token }]);
    const half = await runCli(["drift", "--platform", c.path("platform"), "--gitops", repo, "--kubeconfig", onlyEu]);
    expect(half.code).toBe(1);
    expect(half.stderr).toMatch(/^ {2}prod\/us-1: unreachable \(kubeconfig has no context "kind-us"/m);
    expect(half.stdout).toMatch(/^ {2}prod {7}not read\n {2}prod\/eu-1 {2}clean\n {2}prod\/us-1 {2}not read\n/m);
  });

  it("ferry history reads each cluster's folder: which cluster ran which release since when (a wave's commit in eu-1 only)", async () => {
    const first = (await folder("eu-1")).find((o) => o.kind === "Deployment")?.metadata.labels?.["ferry.dev/release"] ?? "";
    // A wave-1 landing: a commit that moves only eu-1's folder to a second release.
    const work = c.path("work");
    git(c.root, "clone", "-q", repo, work);
    const second = `${first.slice(0, -1)}${first.endsWith("0") ? "1" : "0"}`;
    const file = `${work}/environments/prod/eu-1/shop/api/deployment-api.yaml`;
    writeFileSync(file, readFileSync(file, "utf8").split(first).join(second));
    git(
      work,
      "commit",
      "-qam",
      `release shop/api ${second} to prod (wave 1)\n\nFerry-Component: shop/api\nFerry-Environment: prod\nFerry-Release: ${second}\nFerry-Clusters: eu-1`,
    );
    git(work, "push", "-q", "origin", "main");
    const text = await runCli(["history", "shop/api", "--platform", c.path("platform"), "--gitops", repo]);
    expect(text.code).toBe(0);
    const rows = text.stdout.split("\n").filter((l) => l.startsWith("prod"));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      ["prod/eu-1", second],
      ["prod/eu-1", first],
      ["prod/us-1", first],
    ]);
    const json = JSON.parse((await runCli(["history", "shop/api", "--platform", c.path("platform"), "--gitops", repo, "--json"])).stdout) as {
      environments: { prod: { cluster?: string; release: string }[] };
    };
    expect(json.environments.prod.map((e) => [e.cluster, e.release])).toEqual([
      ["eu-1", second],
      ["eu-1", first],
      ["us-1", first],
    ]);
  });
});
