/**
 * The `Ferry / drift` check run on the GitOps branch head, against the contract-checked fake
 * GitHub: the findings table in the summary, one run per head, no update when nothing changed.
 */
import { PLATFORM } from "../../support/drift-platform.js";
import type { ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { publishDriftChecks, type DriftPassInput } from "../../../flows/drift/run.js";
import type { GitopsPort } from "../../../adapters/git/port.js";
import { TargetResolver } from "../../../adapters/github/gitops-targets.js";
import type { LiveObjects } from "../../../core/drift/cluster.js";
import { refKey, refOf } from "../../../core/drift/model.js";
import { DRIFT_CHECK } from "../../../core/drift/report.js";
import { loadPlatform } from "../../../operations/workspace.js";
import type { PlatformBundle } from "../../../renderers/platform.js";
import type { K8sObject } from "../../../renderers/types.js";
import { ContractIndex, FakeGitHub } from "../../support/fake-github/index.js";
import { createTestProbot } from "../../support/fake-github/probot.js";
import { Scratch } from "../../support/workspace.js";

const R1 = "0a1b2c3d4e5f";
const R2 = "1b2c3d4e5f60";

function deployment(env: string, release: string, replicas: number): K8sObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "api",
      namespace: `shop-${env}`,
      labels: { "app.kubernetes.io/managed-by": "ferry", "ferry.dev/environment": env, "ferry.dev/release": release },
    },
    spec: { replicas },
  };
}

/** The GitOps repository's files, served by a port over a map (the fake GitHub has no git protocol). */
function portOver(files: ReadonlyMap<string, string>): GitopsPort {
  return {
    publish: () => Promise.reject(new Error("drift never publishes")),
    readHistory: () => Promise.resolve([]),
    readFiles: ({ paths }) => Promise.resolve(new Map([...files].filter(([p]) => paths.some((w) => p === w || p.startsWith(`${w}/`))))),
  };
}

const s = new Scratch();
let github: FakeGitHub;
let gh: ProbotOctokit;
let bundle: PlatformBundle;
let live: K8sObject[];

beforeAll(async () => {
  github = await FakeGitHub.start({ contract: ContractIndex.load() });
  const inst = github.addInstallation({ account: "acme" });
  await github.addRepo({ owner: "acme", name: "gitops", files: { "README.md": "GitOps\n" } });
  gh = await createTestProbot(github).auth(inst.id);
  const loaded = loadPlatform(s.write("platform", { ".ferry/platform.yaml": PLATFORM })).bundle;
  if (!loaded) throw new Error("the test platform has errors");
  bundle = loaded;
  live = [deployment("prod", R1, 5)];
});

afterAll(async () => {
  await github.close();
  s.cleanup();
});

function pass(): DriftPassInput {
  const files = new Map([
    ["environments/staging/shop/api/deployment-api.yaml", stringify(deployment("staging", R2, 1))],
    ["environments/prod/shop/api/deployment-api.yaml", stringify(deployment("prod", R1, 2))],
  ]);
  // Each context holds its environment's objects (kind-prod: shop-prod), as a label selector would pick them.
  const readLive = (context: string): Promise<LiveObjects> => {
    const mine = live.filter((o) => o.metadata.namespace === `shop-${context.replace("kind-", "")}`);
    return Promise.resolve({ objects: new Map(mine.map((o) => [refKey(refOf(o)), o])), labelled: mine });
  };
  return {
    bundle,
    resolver: new TargetResolver(gh),
    port: portOver(files),
    cacheDir: s.path("cache"),
    kubeConfig: { kind: "default" },
    now: () => new Date("2025-06-01T12:00:00Z"),
    readLive: readLive as DriftPassInput["readLive"],
  };
}

describe("the Ferry / drift check", () => {
  it("lands on the GitOps branch head with a table of findings, once per head", async () => {
    const head = await github.branchSha("acme/gitops");
    const [write] = await publishDriftChecks(gh, pass(), github.app.id);
    expect(write).toMatchObject({ headSha: head, conclusion: "failure", changed: true });
    const runs = github.checkRunsFor("acme/gitops", { name: DRIFT_CHECK });
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.headSha).toBe(head);
    expect(run.status).toBe("completed");
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toBe("3 drift findings");
    expect(run.output.summary).toContain("| Environment | Object | Drift | Field | Git | Live / expected |");
    expect(run.output.summary).toContain(`| staging, prod | \`shop/api\` | release differs | – | staging: ${R2}, prod: ${R1} | – |`);
    expect(run.output.summary).toContain("| prod | `Deployment shop-prod/api` | edited in the cluster | `spec.replicas` | 2 | 5 |");
    expect(run.output.summary).toContain("| staging | `Deployment shop-staging/api` | missing in the cluster | – | present | absent |");

    const [again] = await publishDriftChecks(gh, pass(), github.app.id);
    expect(again).toMatchObject({ id: write?.id, changed: false });
    expect(github.checkRunsFor("acme/gitops", { name: DRIFT_CHECK })).toHaveLength(1);
    github.assertNoViolations();
  });

  it("updates the run when the drift changes", async () => {
    live = [deployment("prod", R1, 2), deployment("staging", R2, 1)];
    const [write] = await publishDriftChecks(gh, pass(), github.app.id);
    expect(write).toMatchObject({ conclusion: "neutral", changed: true });
    const runs = github.checkRunsFor("acme/gitops", { name: DRIFT_CHECK });
    expect(runs).toHaveLength(1);
    expect(runs[0]?.output.title).toBe("1 drift finding");
    github.assertNoViolations();
  });
});
