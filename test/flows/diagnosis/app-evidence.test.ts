/** What the app's evidence ports decide on their own (flows/diagnosis/app-evidence.ts): who is named, the span read, the cluster's notes. */
import { describe, expect, it } from "vitest";
import { appEvidencePorts, dependencySpan, seenFromRepo } from "../../../flows/diagnosis/app-evidence.js";
import { emptyObjects } from "../../../core/status/cluster-objects.js";
import { Platform } from "../../../renderers/model/index.js";

const PLATFORM = Platform.parse({
  apiVersion: "ferry.dev/v1alpha1",
  kind: "Platform",
  metadata: { name: "acme" },
  spec: {
    projects: [
      { name: "shop", repos: ["acme/shop-api"] },
      { name: "pay", repos: ["acme/pay", "acme/Shop-API"] },
      { name: "vault", repos: ["acme/vault"] },
    ],
    environments: [
      { name: "dev", cluster: { context: "kind-dev" }, gitops: { repo: "acme/gitops", branch: "main", path: "environments/dev" } },
      { name: "build", gitops: { repo: "acme/gitops", branch: "main", path: "environments/build" } },
    ],
  },
});

describe("seenFromRepo", () => {
  it("names the same project, and another only when the comment's repository is one of its repositories", () => {
    const seen = seenFromRepo(PLATFORM, "shop", "acme/shop-api");
    expect(["shop", "pay", "vault", "unknown"].map(seen)).toEqual([true, true, false, false]);
    const nowhere = seenFromRepo(PLATFORM, "shop", undefined);
    expect(["shop", "pay"].map(nowhere)).toEqual([true, false]);
  });
});

describe("dependencySpan", () => {
  it("reaches back one window before the landing, at most ten windows, and keeps the window's end", () => {
    expect(dependencySpan({ from: 1000, to: 1004 }, 990)).toEqual({ from: 986, to: 1004 });
    expect(dependencySpan({ from: 1000, to: 1004 }, 100)).toEqual({ from: 960, to: 1004 });
    expect(dependencySpan({ from: 1000, to: 1300 }, 1060)).toEqual({ from: 760, to: 1300 });
    expect(dependencySpan({ from: 1000, to: 1004 }, undefined)).toEqual({ from: 1000, to: 1004 });
  });
});

describe("appEvidencePorts' cluster", () => {
  const ports = (environment: string, observer: Parameters<typeof appEvidencePorts>[1]["observer"]) =>
    appEvidencePorts(
      {
        ctx: () => Promise.reject(new Error("no GitHub here")),
        platform: PLATFORM,
        environment: PLATFORM.spec.environments.find((e) => e.name === environment)!,
        key: { project: "shop", component: "api", environment },
        release: "r2",
        span: { from: 0, to: 1 },
        sees: () => true,
        now: () => 0,
      },
      { observer, prometheusOf: () => ({ ok: false, error: "none" }), kubeConfig: undefined },
    );

  it("is the observer's snapshot once synced, else says why it is not read; without a kubeconfig no logs are read", async () => {
    const snapshot = { context: "kind-dev", ...emptyObjects() };
    let synced = false;
    const observer = { isSynced: () => synced, snapshot: () => snapshot };
    const dev = ports("dev", observer);
    expect(dev.podLogs).toBeUndefined();
    expect(await dev.cluster()).toEqual({ note: "context kind-dev is not read yet: pods, events and logs not observed" });
    synced = true;
    expect(await dev.cluster()).toEqual({ snapshot });
    expect(await ports("dev", undefined).cluster()).toEqual({ note: "the clusters are not observed: pods, events and logs not read" });
    expect(await ports("build", observer).cluster()).toEqual({ note: "build has no cluster context: pods, events and logs not observed" });
    await expect(dev.dependencies()).rejects.toThrow("no GitHub here");
  });
});
