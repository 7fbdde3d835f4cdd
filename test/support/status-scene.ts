/**
 * Scene of the status tests: a fake Kubernetes API (HTTPS, real protocol) watched by a real
 * ClusterObserver, a contract-checked fake GitHub with the GitOps and app repositories and a
 * promotion pull request, an installation client from Probot, and a hand-driven clock that is
 * also the timers of the code under test.
 */
import type { ProbotOctokit } from "probot";
import type { ClusterObserver } from "../../adapters/kube/observer.js";
import type { ComponentKey } from "../../core/status/components.js";
import type { Timers } from "../../flows/status/timers.js";
import { Environment } from "../../renderers/model/index.js";
import { observe, waitFor } from "./kube-helpers.js";
import { ContractIndex, FakeGitHub } from "./fake-github/index.js";
import { createTestProbot } from "./fake-github/probot.js";
import { FakeKube, type FakeKubeCerts, type WorkloadSpec } from "./fake-kube/index.js";

export { waitFor };

/** A clock whose time only moves when told, and timers that fire when it passes them. */
export class ManualClock implements Timers {
  private ms: number;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; seq: number; callback: () => void }>();

  constructor(start: Date) {
    this.ms = start.getTime();
  }

  /** The current time. */
  readonly date = (): Date => new Date(this.ms);
  readonly now = (): number => this.ms;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.ms + Math.max(0, ms), seq: id, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Timers waiting to fire. */
  get scheduled(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due (in time order, also ones scheduled meanwhile). */
  advance(ms: number): void {
    const end = this.ms + ms;
    for (;;) {
      const next = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      const [id, t] = next;
      this.pending.delete(id);
      this.ms = Math.max(this.ms, t.at);
      t.callback();
    }
    this.ms = end;
  }
}

export const CONTEXT = "kind-dev";
export const RELEASE_1 = "0a1b2c3d4e5f";
export const RELEASE_2 = "1b2c3d4e5f60";
export const KEY: ComponentKey = { project: "shop", component: "api", environment: "dev" };
export const APP_REPO = "acme/shop-api";
export const GITOPS_REPO = "acme/gitops";

/** dev (observed, context kind-dev) then staging (no cluster); staging requires health. */
export const ENVIRONMENTS = [
  Environment.parse({ name: "dev", cluster: { context: CONTEXT }, gitops: { repo: GITOPS_REPO, path: "environments/dev" }, autoMerge: true }),
  Environment.parse({ name: "staging", gitops: { repo: GITOPS_REPO, path: "environments/staging" }, approvals: { required: 0 }, requireHealth: true }),
];

/** The workload of KEY on `release` at `now`. */
export function workload(release: string, now: Date, extra: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return { ...KEY, release, now, generation: 2, ...extra };
}

export interface StatusScene {
  readonly clock: ManualClock;
  readonly kube: FakeKube;
  readonly observer: ClusterObserver;
  readonly github: FakeGitHub;
  readonly gh: ProbotOctokit;
  readonly pr: { repo: string; number: number };
  readonly appSha: string;
  close(): Promise<void>;
}

const contract = ContractIndex.load();

/** Starts everything; the observer is synced and watching when it resolves. Always `close()`. */
export async function startStatusScene(certs: FakeKubeCerts, start: Date): Promise<StatusScene> {
  const clock = new ManualClock(start);
  const kube = await FakeKube.start({ certs, now: clock.now });
  const github = await FakeGitHub.start({ contract, now: clock.date });
  const { observer } = observe(kube, [CONTEXT], { now: clock.now });
  try {
    observer.start();
    await observer.waitForSync();
    await waitFor("watches established", () => kube.watchCount() >= 8);
    const inst = github.addInstallation({ account: "acme" });
    await github.addRepo({ owner: "acme", name: "shop-api", files: { ".ferry/api.yaml": "kind: Component\n" } });
    await github.addRepo({ owner: "acme", name: "gitops", files: { "README.md": "GitOps\n" } });
    await github.commit(GITOPS_REPO, {
      branch: "ferry/promote/shop-api/dev",
      files: { "environments/dev/shop/api/deployment-api.yaml": "kind: Deployment\n" },
    });
    const pull = await github.openPullRequest(GITOPS_REPO, { head: "ferry/promote/shop-api/dev", title: "Promote shop/api to dev" });
    const appSha = (await github.branchSha(APP_REPO)) ?? "";
    const gh = await createTestProbot(github).auth(inst.id);
    return {
      clock,
      kube,
      observer,
      github,
      gh,
      pr: { repo: GITOPS_REPO, number: pull.number },
      appSha,
      async close() {
        await observer.stop();
        await kube.close();
        await github.close();
      },
    };
  } catch (e) {
    await observer.stop();
    await kube.close();
    await github.close();
    throw e;
  }
}
