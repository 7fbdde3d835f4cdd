/**
 * A preview's rollout in its comment (core/preview-env/status.ts, presentation/markdown/preview-environment.ts),
 * the cluster a preview of an environment on several runs on (core/gitops/layout.ts), and the
 * reconcile pass's planning of the comment's refresh (core/reconcile/plan.ts).
 */
import { describe, expect, it } from "vitest";
import { previewCluster } from "../../../core/gitops/layout.js";
import { previewRollout } from "../../../core/preview-env/status.js";
import type { PreviewEnvironmentStatus } from "../../../core/preview-env/status.js";
import type { PreviewRecord } from "../../../core/preview-env/records.js";
import { planReconcile } from "../../../core/reconcile/plan.js";
import type { PreviewFacts } from "../../../core/reconcile/plan.js";
import { previewEnvironmentSection } from "../../../presentation/markdown/preview-environment.js";
import { facts } from "../../support/reconcile-facts.js";

const API = { key: "shop/api", release: "r2" };

describe("previewRollout", () => {
  it("says Healthy only when the ready pods run the preview's release, and never more than was observed", () => {
    expect(previewRollout(API, { status: "Healthy", release: "r2", detail: "2/2 ready" })).toEqual({ key: "shop/api", status: "Healthy", detail: "2/2 ready" });
    // The previous push's pods still serve: not this preview's rollout yet.
    expect(previewRollout(API, { status: "Healthy", release: "r1", detail: "2/2 ready" })).toEqual({
      key: "shop/api",
      status: "Progressing",
      detail: "2/2 ready; the ready pods run r1, not r2 yet",
    });
    expect(previewRollout(API, { status: "Degraded", detail: "0/2 ready; CrashLoopBackOff" })).toMatchObject({
      status: "Degraded",
      detail: "0/2 ready; CrashLoopBackOff",
    });
    expect(previewRollout(API, { status: "NotObserved" })).toEqual({ key: "shop/api", status: "NotObserved", detail: "the cluster is not observed" });
  });
});

describe("previewCluster", () => {
  it("is the first cluster of the first wave (by name within it), and none for an environment on one cluster", () => {
    const clusters = [
      { name: "eu-2", wave: 1 },
      { name: "us-1", wave: 2 },
      { name: "eu-1", wave: 1 },
    ];
    expect(previewCluster({ name: "prod", gitops: {}, clusters })).toBe("eu-1");
    expect(previewCluster({ name: "prod", gitops: {}, clusters: [{ name: "us-1", wave: 2 }, { name: "ap-1" }] })).toBe("ap-1");
    expect(previewCluster({ name: "dev", gitops: {} })).toBeUndefined();
  });
});

describe("the preview comment's rollout column", () => {
  type Live = Extract<PreviewEnvironmentStatus, { kind: "live" }>;
  const live = (rollout: Live["rollout"], signals: Live["signals"] = []): string =>
    previewEnvironmentSection({
      kind: "live",
      from: "prod",
      cluster: "eu-1",
      namespaces: ["shop-pr-7"],
      components: [{ key: "shop/api", release: "r2", namespace: "shop-pr-7", urls: ["https://pr-7-api.preview.example.com"] }],
      rollout,
      signals,
      monthlyCost: 2.5,
      currency: "EUR",
      expiresAt: "2026-03-04T10:00:00Z",
      commit: "c".repeat(40),
      changed: true,
    }).join("\n");

  it("shows each component's rollout and URL, on the named cluster of an environment on several", () => {
    const text = live([{ key: "shop/api", status: "Progressing", detail: "1/2 ready | waiting" }]);
    expect(text).toContain("on `prod`'s cluster `eu-1`");
    expect(text).toContain("| `shop/api` | `r2` | ⏳ Progressing (1/2 ready \\| waiting) | https://pr-7-api.preview.example.com |");
  });

  it("lists the signals read in their units, and says not observed for one Prometheus did not answer", () => {
    const text = live(
      [{ key: "shop/api", status: "Healthy", detail: "2/2 ready" }],
      [
        { key: "shop/api", name: "errorRate", unit: "ratio", value: 0.002 },
        { key: "shop/api", name: "latencyP95", unit: "seconds", value: undefined, error: "connection refused" },
        { key: "shop/api", name: "restarts", unit: "count", value: undefined },
      ],
    );
    expect(text).toContain("Signals over the last 5 minutes:\n- `shop/api`: errorRate 0.2%, latencyP95 not observed (connection refused), restarts no data");
    expect(live([{ key: "shop/api", status: "Healthy", detail: "" }])).not.toContain("Signals");
  });

  it("says not observed when the cluster could not be read, or when no rollout was read", () => {
    expect(live([{ key: "shop/api", status: "NotObserved", detail: "cluster context kind-dev is not observed" }])).toContain(
      "| 👁️ not observed (cluster context kind-dev is not observed) |",
    );
    expect(live([])).toContain("| 👁️ not observed |");
  });
});

describe("planning the preview comment's refresh", () => {
  const record = (pr: number): PreviewRecord => ({
    repo: "acme/shop-api",
    pr,
    dir: `previews/pr-${pr}`,
    components: ["shop/api"],
    projects: ["shop"],
    namespaces: [`shop-pr-${pr}`],
    urls: [],
    createdAt: "2026-03-02T09:00:00Z",
    updatedAt: "2026-03-02T09:00:00Z",
    headSha: undefined,
    monthlyCost: 1,
    currency: "EUR",
  });
  it("reads a live preview of an open pull request again, and only removes one whose pull request is closed or gone", () => {
    const previews: PreviewFacts[] = [
      { environment: "dev", record: record(3), pull: "closed" },
      { environment: "dev", record: record(2), pull: "open" },
      { environment: "dev", record: record(4), pull: "gone" },
      { environment: "dev", record: record(5), pull: undefined },
    ];
    const repairs = planReconcile(facts({ previews })).repairs.map((r) => [r.kind, "pull" in r ? r.pull : undefined]);
    expect(repairs).toEqual([
      ["preview-removal", 3],
      ["preview-removal", 4],
      ["preview-status", 2],
    ]);
  });
});
