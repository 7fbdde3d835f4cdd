/**
 * What the MCP tests run against: a copy of the bundled example (examples/apps, examples/platform),
 * each app a git checkout with its GitHub origin; the GitOps repository `acme/gitops` (bare, served
 * by a real git server at GITHUB_SERVER_URL, so the platform's `acme/gitops` is reached over HTTP)
 * that `ferry publish` filled for dev and staging; the fake Kubernetes API running what dev's GitOps files hold,
 * reached through a kubeconfig with the example's three contexts; and the fake GitHub knowing the
 * app repositories, acme/payments private.
 */
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { readFiles } from "../../adapters/git/read.js";
import { objectsOfFiles } from "../../core/drift/inputs.js";
import { ContractIndex, FakeGitHub } from "../support/fake-github/index.js";
import { FakeKube, generateCerts, writeKubeconfig, type KubeObject } from "../support/fake-kube/index.js";
import { startGitServer, type GitServer } from "../support/git-server.js";
import { Scratch, runCli } from "../support/workspace.js";

export interface McpWorld {
  readonly s: Scratch;
  readonly apps: string;
  readonly platform: string;
  /** The bare GitOps repository (on disk; `acme/gitops` of the git server). */
  readonly gitops: string;
  /** Serves `acme/gitops` at GITHUB_SERVER_URL, where the platform's environments point. */
  readonly gitServer: GitServer;
  /** A checkout of it (what ferry_diff compares with). */
  readonly gitopsCheckout: string;
  readonly kubeconfig: string;
  readonly kube: FakeKube;
  readonly github: FakeGitHub;
  /** Environment variables for the server: KUBECONFIG, GITHUB_API_URL, GITHUB_SERVER_URL (the git server), the clone cache. */
  readonly variables: Record<string, string>;
  close(): Promise<void>;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" },
  }).toString();
}

/** What an API server adds to an applied object: a ready status. */
function asLive(o: { kind: string }): KubeObject {
  const live = structuredClone(o) as unknown as KubeObject & { spec?: { replicas?: number }; status?: unknown };
  if (o.kind === "Deployment") {
    const replicas = live.spec?.replicas ?? 1;
    live.metadata.generation = 1;
    live.status = { observedGeneration: 1, replicas, readyReplicas: replicas, updatedReplicas: replicas, availableReplicas: replicas };
  }
  return live;
}

export const APP_REPOS = ["acme/checkout-api", "acme/jobs", "acme/payments", "acme/storefront-web"];

export async function startMcpWorld(): Promise<McpWorld> {
  const s = new Scratch();
  const apps = s.path("apps");
  const platform = s.path("platform");
  cpSync("examples/apps", apps, { recursive: true });
  cpSync("examples/platform", platform, { recursive: true });
  for (const name of readdirSync(join(apps, "acme"))) {
    const dir = join(apps, "acme", name);
    git(dir, "init", "-q", "-b", "main");
    git(dir, "remote", "add", "origin", `https://github.com/acme/${name}.git`);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "components");
  }
  const gitServer = await startGitServer({ root: s.path("git") });
  const gitops = (await gitServer.createRepo("acme/gitops")).path;
  const cache = s.path("cache");
  for (const env of ["dev", "staging"]) {
    const run = await runCli(["publish", apps, "--platform", platform, "--env", env, "--gitops", gitops], { FERRY_CACHE_DIR: cache });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  }
  const gitopsCheckout = s.path("gitops-checkout");
  git(s.root, "clone", "-q", gitops, gitopsCheckout);

  const kube = await FakeKube.start({ certs: generateCerts(), rendered: true });
  const kubeconfig = writeKubeconfig(
    s.path("kubeconfig.yaml"),
    ["acme-dev", "acme-nonprod", "acme-prod-eu"].map((context) => ({ context, server: kube.url, caPem: kube.caPem, token: kube.token })),
  );
  const { files } = await readFiles({ target: { url: gitops, branch: "main" }, paths: ["environments/dev"], cacheDir: cache });
  // The fake serves the kinds a cluster's status and drift read; the others (volume claims...) stay out of it.
  for (const o of objectsOfFiles(files)) {
    try {
      kube.apply(asLive(o));
    } catch (e) {
      if (!String(e).includes("does not serve")) throw e;
    }
  }

  const github = await FakeGitHub.start({ contract: ContractIndex.load() });
  github.addInstallation({ account: "acme" });
  for (const repo of APP_REPOS) {
    const [owner = "", name = ""] = repo.split("/");
    await github.addRepo({ owner, name, private: repo === "acme/payments", files: { "README.md": `${name}\n` } });
  }

  return {
    s,
    apps,
    platform,
    gitops,
    gitServer,
    gitopsCheckout,
    kubeconfig,
    kube,
    github,
    variables: { KUBECONFIG: kubeconfig, GITHUB_API_URL: github.url, GITHUB_SERVER_URL: gitServer.url, FERRY_CACHE_DIR: cache },
    async close() {
      await gitServer.close();
      await kube.close();
      await github.close();
      s.cleanup();
    },
  };
}

/**
 * One call of every tool on the bundled example over HTTP (the write tools' calls live with their
 * own tests): no argument names a file or address on the server; GitOps repositories and clusters
 * are the platform's. ferry_diff and ferry_impact compare with directories: not served over HTTP.
 */
export function everyRemoteCall(): Record<string, Record<string, unknown>> {
  return {
    ferry_list_components: {},
    ferry_get_component: { component: "storefront/checkout-api" },
    ferry_list_environments: {},
    ferry_validate: { env: ["dev"] },
    ferry_render: { env: ["dev"], path: "environments/dev/storefront/checkout-api/deployment-checkout-api.yaml" },
    ferry_schema: { kind: "Component" },
    ferry_history: { component: "storefront/checkout-api", env: ["dev", "staging"] },
    ferry_status: { env: ["dev"] },
    ferry_diagnose: { component: "storefront/checkout-api", env: ["dev"] },
    ferry_drift: { env: ["dev", "staging"] },
    ferry_cost: { env: ["prod"] },
    ferry_graph: { format: "mermaid" },
  };
}

/** One call of every tool on the bundled example over stdio (the write tools' calls live with their own tests). */
export function everyCall(w: McpWorld): Record<string, Record<string, unknown>> {
  return {
    ferry_list_components: {},
    ferry_get_component: { component: "storefront/checkout-api" },
    ferry_list_environments: {},
    ferry_validate: { env: ["dev"] },
    ferry_render: { env: ["dev"], path: "environments/dev/storefront/checkout-api/deployment-checkout-api.yaml" },
    ferry_diff: { env: ["dev"], against: w.gitopsCheckout },
    ferry_schema: { kind: "Component" },
    ferry_history: { component: "storefront/checkout-api", gitops: w.gitops },
    ferry_status: { env: ["dev"] },
    ferry_diagnose: { component: "storefront/checkout-api", env: ["dev"] },
    ferry_drift: { env: ["dev", "staging"], gitops: w.gitops },
    ferry_cost: { env: ["prod"] },
    ferry_graph: { format: "mermaid" },
    ferry_impact: { against: w.apps },
  };
}
