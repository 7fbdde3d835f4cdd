import { describe, expect, it } from "vitest";
import { componentDeployments, doraFigures, type DoraComponentFacts } from "../../../core/dora/figures.js";
import { nearestRank, quantiles } from "../../../core/dora/quantile.js";
import { componentHistory, historyTrailers } from "../../../core/history.js";
import type { SignalRecord } from "../../../core/status/deployment-signals.js";

const T0 = Date.parse("2026-11-01T00:00:00Z");
/** `h` hours after T0. */
const t = (h: number) => new Date(T0 + h * 3_600_000);
const R = (n: number) => String(n).padStart(12, "0");
const APP = "acme/shop-api";

let shaN = 0;
const sha = () => (++shaN).toString(16).padStart(40, "a");

interface Landing {
  readonly at: number;
  readonly release: string | undefined;
  readonly source?: string;
  readonly promotedFrom?: string;
}

/** The environment's history of `component` as componentHistory reads it from Ferry's trailers. */
function history(component: string, landings: readonly Landing[]) {
  const commits = landings.map((l) => ({
    sha: sha(),
    date: t(l.at),
    message: "x",
    trailers: historyTrailers({
      component,
      environment: "prod",
      release: l.release,
      ...(l.source ? { source: { repo: APP, sha: l.source } } : {}),
      ...(l.promotedFrom ? { promotedFrom: l.promotedFrom } : {}),
    }),
  }));
  const h = componentHistory(commits, component);
  expect(h.ignored).toEqual([]);
  return h.environments.get("prod") ?? [];
}

let id = 0;
const sig = (release: string, signal: SignalRecord["signal"], at: number): SignalRecord => ({ release, signal, at: t(at), id: ++id });

const A1 = "a1".padEnd(40, "0");
const A2 = "a2".padEnd(40, "0");
const A3 = "a3".padEnd(40, "0");
const [r1, r2, r3] = [R(1), R(2), R(3)];

/** shop/api: r1, r2 (Degraded), a rollback to r1, r3 — at known hours. */
function api(): DoraComponentFacts {
  return {
    component: "shop/api",
    history: history("shop/api", [
      { at: 1, release: r1, source: A1, promotedFrom: "dev" },
      { at: 10, release: r2, source: A2, promotedFrom: "dev" },
      { at: 12, release: r1, source: A1 }, // Ferry's rollback commit: no Promoted-From
      { at: 20, release: r3, source: A3, promotedFrom: "dev" },
    ]),
    signals: [
      sig(r1, "rolling-out", 1),
      sig(r1, "healthy", 1.5),
      sig(r2, "healthy", 10.5),
      sig(r2, "degraded", 11),
      sig(r1, "healthy", 12.25),
      sig(r3, "healthy", 20.5),
      sig(r3, "healthy", 21), // a later Healthy of the same run does not move ready
    ],
    appCommitTimes: new Map([
      [A1, t(0)],
      [A2, t(8)],
      [A3, t(17)],
    ]),
    verify: false,
  };
}

describe("nearest-rank quantiles", () => {
  it("picks the sample at rank ceil(q*n), never interpolates, and has none without samples", () => {
    expect(nearestRank([3, 1, 2], 0.5)).toBe(2);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(nearestRank([1, 2, 3, 4], 0.5)).toBe(2);
    expect(nearestRank([7], 0.9)).toBe(7);
    expect(nearestRank([], 0.5)).toBeNull();
    expect(quantiles([])).toEqual({ p50: null, p90: null, count: 0 });
  });
});

describe("doraFigures", () => {
  it("counts deployments, a rollback, lead times, one Degraded failure and its restore as hand-computed", () => {
    const out = doraFigures({ environment: "prod", since: t(0), until: t(24), components: [api()] });
    // 4 deployments over 1 day.
    expect(out.deployments).toBe(4);
    expect(out.deploymentFrequencyPerDay).toBe(4);
    expect(out.rollbacks).toBe(1);
    // Lead times (rollback excluded): 1.5 h, 2.5 h, 3.5 h -> p50 = 2nd = 9000 s, p90 = 3rd = 12600 s.
    expect(out.leadTimeSeconds).toEqual({ p50: 9000, p90: 12600, count: 3 });
    // r2 went Degraded at 11 h (before the rollback at 12 h): 1 of 4.
    expect(out.changeFailureRate).toBe(0.25);
    expect(out.changeFailures).toEqual({ failed: 1, count: 4 });
    // From 11 h to the rollback's Healthy at 12.25 h: 4500 s.
    expect(out.timeToRestoreSeconds).toEqual({ p50: 4500, p90: 4500, count: 1, unrestored: 0 });
    expect(out.components.map((c) => c.component)).toEqual(["shop/api"]);
    expect(out.since).toBe("2026-11-01T00:00:00.000Z");
  });

  it("lists the deployments in the window whose commit carries Ferry-Break-Glass, with who and why", () => {
    const commits = [
      { at: 1, release: r1, glass: undefined },
      { at: 10, release: r2, glass: "mia: payments down: hotfix" },
      { at: 30, release: r3, glass: "not a login!: x" },
    ].map((l) => ({
      sha: sha(),
      date: t(l.at),
      message: "x",
      trailers: {
        ...historyTrailers({ component: "shop/api", environment: "prod", release: l.release, promotedFrom: "staging" }),
        ...(l.glass ? { "Ferry-Break-Glass": [l.glass] } : {}),
      },
    }));
    const facts: DoraComponentFacts = {
      component: "shop/api",
      history: componentHistory(commits, "shop/api").environments.get("prod") ?? [],
      signals: undefined,
      appCommitTimes: new Map(),
      verify: false,
    };
    const report = doraFigures({ environment: "prod", since: t(0), until: t(48), components: [facts] });
    expect(report.breakGlass).toEqual({
      count: 1,
      promotions: [{ component: "shop/api", release: r2, at: t(10).toISOString(), commit: commits[1]!.sha, login: "mia", reason: "payments down: hotfix" }],
    });
    expect(doraFigures({ environment: "prod", since: t(11), until: t(48), components: [facts] }).breakGlass).toEqual({ count: 0, promotions: [] });
  });

  it("a rollback alone marks the deployment before it failed, at the rollback's landing", () => {
    const facts = api();
    const noDegraded = { ...facts, signals: facts.signals!.filter((s) => s.signal !== "degraded") };
    const ds = componentDeployments(noDegraded, t(24));
    expect(ds.map((d) => [d.release, d.rollback, d.failure?.kind])).toEqual([
      [r1, false, undefined],
      [r2, false, "rollback"],
      [r1, true, undefined],
      [r3, false, undefined],
    ]);
    expect(ds[1]!.failure!.at).toEqual(t(12));
    // 12 h -> 12.25 h
    expect(doraFigures({ environment: "prod", since: t(0), until: t(24), components: [noDegraded] }).timeToRestoreSeconds.p50).toBe(900);
  });

  it("a component whose statuses were not observed counts in deployments only: its other figures are null over 0, and the totals stand on the observed ones", () => {
    const web: DoraComponentFacts = {
      component: "shop/web",
      history: history("shop/web", [{ at: 5, release: R(9), source: A1, promotedFrom: "dev" }]),
      signals: undefined,
      appCommitTimes: new Map(),
      verify: false,
    };
    const out = doraFigures({ environment: "prod", since: t(0), until: t(48), components: [web, api()] });
    expect(out.deployments).toBe(5);
    expect(out.deploymentFrequencyPerDay).toBe(2.5);
    expect(out.changeFailures).toEqual({ failed: 1, count: 4 });
    expect(out.components.map((c) => c.component)).toEqual(["shop/api", "shop/web"]);
    const row = out.components[1]!;
    expect(row).toMatchObject({ deployments: 1, statusesObserved: false, changeFailureRate: null, changeFailures: { failed: 0, count: 0 } });
    expect(row.leadTimeSeconds).toEqual({ p50: null, p90: null, count: 0 });
    expect(row.timeToRestoreSeconds).toEqual({ p50: null, p90: null, count: 0, unrestored: 0 });
  });

  it("only deployments that landed in the window count, and facts after until are not seen", () => {
    const out = doraFigures({ environment: "prod", since: t(11), until: t(20.25), components: [api()] });
    // The rollback (12 h) and r3 (20 h); r3's Healthy at 20.5 h is after until.
    expect(out.deployments).toBe(2);
    expect(out.leadTimeSeconds.count).toBe(0);
    expect(out.changeFailures).toEqual({ failed: 0, count: 2 });
    expect(out.changeFailureRate).toBe(0);
  });

  it("where the step has verify, ready is Verified (not Healthy) and a failed verification is a failure restored by the next Verified", () => {
    const facts: DoraComponentFacts = {
      component: "shop/api",
      history: history("shop/api", [
        { at: 0, release: r1, source: A1, promotedFrom: "dev" },
        { at: 2, release: r2, source: A2, promotedFrom: "dev" },
      ]),
      signals: [sig(r1, "healthy", 0.5), sig(r1, "verify-failed", 1), sig(r2, "healthy", 2.5), sig(r2, "verified", 3)],
      appCommitTimes: new Map([[A2, t(-1)]]),
      verify: true,
    };
    const out = doraFigures({ environment: "prod", since: t(0), until: t(24), components: [facts] });
    expect(out.leadTimeSeconds).toEqual({ p50: 4 * 3600, p90: 4 * 3600, count: 1 });
    expect(out.changeFailures).toEqual({ failed: 1, count: 2 });
    expect(out.timeToRestoreSeconds).toMatchObject({ p50: 2 * 3600, count: 1 });
  });

  it("a commit that keeps the release (a re-render) is no new deployment, a removal is none, and a failure with no ready deployment after it is unrestored", () => {
    const facts: DoraComponentFacts = {
      component: "shop/api",
      history: history("shop/api", [
        { at: 0, release: r1, source: A1, promotedFrom: "dev" },
        { at: 1, release: r1, source: A1, promotedFrom: "dev" },
        { at: 2, release: undefined },
      ]),
      signals: [sig(r1, "not-healthy", 0.5)],
      appCommitTimes: new Map(),
      verify: false,
    };
    const out = doraFigures({ environment: "prod", since: t(0), until: t(24), components: [facts] });
    expect(out.deployments).toBe(1);
    expect(out.changeFailureRate).toBe(1);
    expect(out.timeToRestoreSeconds).toEqual({ p50: null, p90: null, count: 0, unrestored: 1 });
    expect(doraFigures({ environment: "prod", since: t(0), until: t(0), components: [facts] }).deploymentFrequencyPerDay).toBeNull();
  });
});
