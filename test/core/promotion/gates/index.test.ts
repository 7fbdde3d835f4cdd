import { describe, expect, it } from "vitest";
import { autoMergeAllowed, evaluateGates, GatesInput } from "../../../../core/promotion/gates/index.js";
import { gatesRecord, readGatesRecord } from "../../../../core/promotion/gates/record.js";
import { gatesCheckOutput } from "../../../../presentation/markdown/gates-check.js";
import { formatDuration } from "../../../../core/time.js";
import type { GatesResult, Review } from "../../../../core/promotion/gates/index.js";
import type { HealthReport } from "../../../../core/promotion/health.js";
import { notObservedHealth } from "../../../../core/promotion/health.js";
import type { Diagnostic } from "../../../../renderers/diagnostics.js";
import type { Environment } from "../../../../renderers/model/index.js";
import { acme, envOf, R2 } from "../../../support/promotion-fixtures.js";
import type { z } from "zod";

const HEAD = "a".repeat(40);
const OLD = "b".repeat(40);
/** Tuesday 2025-03-11 11:00 in Berlin (CET, UTC+1): inside prod's window. */
const TUESDAY = new Date("2025-03-11T10:00:00Z");

function review(login: string, state: string, minute: number, commit = HEAD): Review {
  return { id: minute, user: { login }, state, commit_id: commit, submitted_at: `2025-03-11T09:${String(minute).padStart(2, "0")}:00Z` };
}

const healthy = (minutesAgo: number, now = TUESDAY, release = R2): HealthReport => ({
  status: "Healthy",
  release,
  healthySince: new Date(now.getTime() - minutesAgo * 60_000),
});

type Input = z.input<typeof GatesInput>;

function input(to: "staging" | "prod", over: Partial<Input> = {}, platform = acme()): Input {
  const target = envOf(platform, to);
  const source = envOf(platform, to === "prod" ? "staging" : "dev");
  const step = platform.spec.pipeline.find((s) => s.from === source.name)!;
  return {
    release: R2,
    target,
    source,
    step,
    diagnostics: [],
    reviews: [],
    headSha: HEAD,
    author: "ferry-bot[bot]",
    teams: { sam: ["sre"], sasha: ["acme/SRE"], alice: ["checkout"] },
    permissions: { sam: "write", sasha: "maintain", alice: "write", bob: "admin", carol: "write", dan: "write" },
    health: { status: "NotObserved" },
    now: TUESDAY,
    ...over,
  };
}

/** Parses the input (as the app does, once) and evaluates the gates. */
const evaluate = (raw: Input): GatesResult => evaluateGates(GatesInput.parse(raw));

const state = (r: GatesResult, name: string) => r.gates.find((g) => g.name === name)!;

describe("approvals", () => {
  it("staging: pending with none, passes with one approval on the head commit", () => {
    const none = evaluate(input("staging"));
    expect(state(none, "approvals")).toEqual({ name: "approvals", state: "pending", summary: "0 of 1 approval" });
    expect(none.conclusion).toBe("action_required");
    const one = evaluate(input("staging", { reviews: [review("alice", "APPROVED", 1)] }));
    expect(state(one, "approvals")).toEqual({ name: "approvals", state: "pass", summary: "1 of 1 approval (@alice)" });
  });

  it("prod: needs two approvals from sre; others do not count", () => {
    const reviews = [review("alice", "APPROVED", 1), review("sam", "APPROVED", 2)];
    const partial = evaluate(input("prod", { reviews, health: healthy(60) }));
    expect(state(partial, "approvals")).toEqual({ name: "approvals", state: "pending", summary: "1 of 2 approvals from sre (@sam); @alice is not in sre" });
    expect(partial.conclusion).toBe("action_required");
    const full = evaluate(input("prod", { reviews: [...reviews, review("Sasha", "APPROVED", 3)], health: healthy(60) }));
    expect(state(full, "approvals")).toMatchObject({ state: "pass", summary: "2 of 2 approvals from sre (@sam, @Sasha); @alice is not in sre" });
    expect(full.conclusion).toBe("success");
  });

  it("prod: the check goes from failing to passing as reviews arrive", () => {
    const arrivals = [
      review("alice", "APPROVED", 1),
      review("sam", "APPROVED", 2),
      review("carol", "CHANGES_REQUESTED", 3),
      review("sasha", "APPROVED", 4),
      review("carol", "APPROVED", 5),
    ];
    const steps = arrivals.map((_, i) => {
      const r = evaluate(input("prod", { reviews: arrivals.slice(0, i + 1), health: healthy(45) }));
      return [state(r, "approvals").state, r.conclusion];
    });
    expect(steps).toEqual([
      ["pending", "action_required"],
      ["pending", "action_required"],
      ["fail", "failure"],
      ["fail", "failure"],
      ["pass", "success"],
    ]);
  });

  it("changes requested block until that reviewer approves; dismissed reviews count for nothing", () => {
    const blocked = evaluate(input("staging", { reviews: [review("alice", "APPROVED", 1), review("carol", "CHANGES_REQUESTED", 2, OLD)] }));
    expect(state(blocked, "approvals")).toEqual({ name: "approvals", state: "fail", summary: "@carol requested changes" });
    expect(blocked.conclusion).toBe("failure");
    const resolved = evaluate(input("staging", { reviews: [review("carol", "CHANGES_REQUESTED", 2), review("carol", "APPROVED", 5)] }));
    expect(state(resolved, "approvals").state).toBe("pass");
    const dismissed = evaluate(input("staging", { reviews: [review("carol", "CHANGES_REQUESTED", 2), review("dan", "DISMISSED", 4)] }));
    expect(state(dismissed, "approvals")).toMatchObject({ state: "fail", summary: "@carol requested changes" });
    const dismissedBlock = evaluate(input("staging", { reviews: [{ ...review("carol", "DISMISSED", 2) }, review("alice", "APPROVED", 3)] }));
    expect(state(dismissedBlock, "approvals").state).toBe("pass");
  });

  it("ignores the author's own approval, stale approvals and comments after an approval keep it", () => {
    const self = evaluate(input("staging", { author: "alice", reviews: [review("alice", "APPROVED", 1)] }));
    expect(state(self, "approvals")).toEqual({ name: "approvals", state: "pending", summary: "0 of 1 approval; @alice cannot approve (author)" });
    const initiator = evaluate(input("staging", { nonApprovers: ["bob"], reviews: [review("bob", "APPROVED", 1)] }));
    expect(state(initiator, "approvals").summary).toBe("0 of 1 approval; @bob cannot approve (asked for the promotion)");
    const stale = evaluate(input("staging", { reviews: [review("alice", "APPROVED", 1, OLD)] }));
    expect(state(stale, "approvals")).toEqual({ name: "approvals", state: "pending", summary: "0 of 1 approval; @alice approved an older commit" });
    const commented = evaluate(input("staging", { reviews: [review("alice", "APPROVED", 1), review("alice", "COMMENTED", 2, OLD)] }));
    expect(state(commented, "approvals").state).toBe("pass");
  });

  it("passes with no approvals required", () => {
    const p = acme({ staging: { approvals: { required: 0 } } });
    expect(state(evaluate(input("staging", {}, p)), "approvals")).toEqual({ name: "approvals", state: "pass", summary: "staging needs no approvals" });
  });
});

describe("policies", () => {
  const d = (severity: "error" | "warning", code: string, message: string): Diagnostic => ({
    severity,
    code,
    message,
    file: "storefront/checkout-api/deployment-checkout-api.yaml",
    line: 0,
    column: 0,
    field: "",
    resource: "Deployment/checkout-api",
  });

  it("fails on errors and passes with warnings, saying which", () => {
    const bad = evaluate(
      input("staging", {
        reviews: [review("alice", "APPROVED", 1)],
        diagnostics: [d("error", "policy/no-latest-tag", "image uses latest"), d("warning", "policy/x", "hm")],
      }),
    );
    expect(state(bad, "policies")).toEqual({
      name: "policies",
      state: "fail",
      summary: "1 error for staging: [policy/no-latest-tag] Deployment/checkout-api: image uses latest",
    });
    expect(bad.conclusion).toBe("failure");
    const warn = evaluate(input("staging", { diagnostics: [d("warning", "policy/x", "hm")] }));
    expect(state(warn, "policies")).toEqual({
      name: "policies",
      state: "pass",
      summary: "no errors for staging; 1 warning: [policy/x] Deployment/checkout-api: hm",
    });
  });
});

describe("source health and soak", () => {
  const approved = [review("sam", "APPROVED", 1), review("sasha", "APPROVED", 2)];

  /** The staging → prod step, relaxed by the platform: health not observed may pass. */
  const relaxedStep = (p = acme()) => ({ ...p.spec.pipeline.find((s) => s.from === "staging")!, requireHealth: false });

  it("not observed is reported but does not block where nothing requires health", async () => {
    // dev → staging: staging is not production and the step has no soak.
    const health = await notObservedHealth.health({ environment: "dev", project: "storefront", component: "checkout-api" });
    const r = evaluate(input("staging", { reviews: [review("alice", "APPROVED", 1)], health }));
    expect(state(r, "source-health")).toEqual({
      name: "source-health",
      state: "not-observed",
      summary: "dev health is not observed; not required, does not block",
    });
    expect(state(r, "soak").state).toBe("pass");
    expect(r.conclusion).toBe("neutral");
    // Health the promotion does not demand does not block, auto-merge included.
    expect(autoMergeAllowed({ autoMerge: true }, r)).toBe(true);
    expect(autoMergeAllowed({ autoMerge: false }, r)).toBe(false);

    // Into prod (production, with a soak), a pipeline step with `requireHealth: false` relaxes it explicitly.
    const relaxed = evaluate(input("prod", { reviews: approved, health, step: relaxedStep() }));
    expect(state(relaxed, "source-health")).toEqual({
      name: "source-health",
      state: "not-observed",
      summary: "staging health is not observed; not required, does not block",
    });
    expect(state(relaxed, "soak").state).toBe("not-observed");
    expect(relaxed.conclusion).toBe("neutral");
    expect(autoMergeAllowed({ autoMerge: true }, relaxed)).toBe(true);

    // An environment's `requireHealth: true` demands it whatever the step says, and names no step setting.
    const strict = evaluate(input("prod", { reviews: approved, health, step: relaxedStep() }, acme({ staging: { requireHealth: true } })));
    expect(state(strict, "source-health")).toEqual({
      name: "source-health",
      state: "pending",
      summary: "staging health is not observed; promoting staging → prod requires it (staging sets requireHealth)",
    });
    expect(strict.conclusion).toBe("action_required");
    expect(autoMergeAllowed({ autoMerge: true }, strict)).toBe(false);
    const byTarget = evaluate(input("prod", { reviews: approved, health, step: relaxedStep() }, acme({ prod: { requireHealth: true } })));
    expect(state(byTarget, "source-health").state).toBe("pending");
    const stagingStrict = evaluate(input("staging", { health }, acme({ staging: { requireHealth: true } })));
    expect(state(stagingStrict, "source-health").summary).toBe("dev health is not observed; promoting dev → staging requires it (staging sets requireHealth)");
  });

  it("not observed blocks a promotion into a production environment, naming the setting that relaxes it", () => {
    const noSoak = { from: "staging", to: ["prod"] };
    const r = evaluate(input("prod", { reviews: approved, step: noSoak }));
    expect(state(r, "source-health")).toEqual({
      name: "source-health",
      state: "pending",
      summary:
        "staging health is not observed; promoting staging → prod requires it (prod is production); `requireHealth: false` on the pipeline step from staging to prod relaxes this",
    });
    expect(state(r, "soak").state).toBe("pass");
    expect(r.conclusion).toBe("action_required");
    expect(autoMergeAllowed({ autoMerge: true }, r)).toBe(false);
    // Observed Healthy, it passes.
    expect(state(evaluate(input("prod", { reviews: approved, step: noSoak, health: healthy(5) })), "source-health").state).toBe("pass");
  });

  it("not observed blocks a promotion along a step with soak, even into a non-production environment", () => {
    const platform = acme({ prod: { production: false } });
    const r = evaluate(input("prod", { reviews: approved, landedAt: new Date(TUESDAY.getTime() - 3 * 3600_000) }, platform));
    expect(state(r, "soak").state).toBe("pass");
    expect(state(r, "source-health")).toEqual({
      name: "source-health",
      state: "pending",
      summary:
        "staging health is not observed; promoting staging → prod requires it (the pipeline step has soak 30m); `requireHealth: false` on the pipeline step from staging to prod relaxes this",
    });
    expect(r.conclusion).toBe("action_required");
    // The step relaxes it: reported, not blocking.
    const relaxed = evaluate(input("prod", { reviews: approved, step: relaxedStep(platform), landedAt: new Date(TUESDAY.getTime() - 3 * 3600_000) }, platform));
    expect(state(relaxed, "source-health").state).toBe("not-observed");
    expect(relaxed.conclusion).toBe("neutral");
  });

  it("without cluster status, soak counts from when the release landed in the source environment", () => {
    const step = { from: "staging", to: ["prod"], soak: "2h", requireHealth: false };
    const landedAt = new Date(TUESDAY.getTime() - 35 * 60_000);
    const early = evaluate(input("prod", { reviews: approved, step, landedAt }));
    expect(state(early, "soak")).toEqual({
      name: "soak",
      state: "pending",
      summary:
        "soak 2h has 85 minutes left: landed in staging at 2025-03-11 09:25 UTC, 35m ago (counted from the landing: staging health is not observed); holds from 2025-03-11 11:25 UTC",
    });
    expect(early.conclusion).toBe("action_required");
    expect(autoMergeAllowed({ autoMerge: true }, early)).toBe(false);
    const later = evaluate(input("prod", { reviews: approved, step, landedAt, now: new Date(landedAt.getTime() + 2 * 3600_000) }));
    expect(state(later, "soak")).toEqual({
      name: "soak",
      state: "pass",
      summary: "landed in staging at 2025-03-11 09:25 UTC, 2h ago (soak 2h; counted from the landing: staging health is not observed)",
    });
    expect(later.conclusion).toBe("neutral");
    expect(autoMergeAllowed({ autoMerge: true }, later)).toBe(true);
    // One minute short still says so.
    const almost = evaluate(input("prod", { reviews: approved, step, landedAt, now: new Date(landedAt.getTime() + 2 * 3600_000 - 30_000) }));
    expect(state(almost, "soak").summary).toMatch(/^soak 2h has 1 minute left: /);
    // Not required (the step relaxes health) and the landing unknown: the soak cannot be measured, reported.
    expect(state(evaluate(input("prod", { reviews: approved, step })), "soak")).toEqual({
      name: "soak",
      state: "not-observed",
      summary: `soak 2h cannot be measured: staging health is not observed and when ${R2} landed there is not known; not required, does not block`,
    });
    // Required and the landing unknown: it blocks.
    expect(state(evaluate(input("prod", { reviews: approved })), "soak").state).toBe("pending");
  });

  it("with cluster status, soak counts from Healthy; from the landing when since when is not known", () => {
    const landedAt = new Date(TUESDAY.getTime() - 40 * 60_000);
    // Healthy for 10m after landing 40m ago: Healthy counts.
    expect(state(evaluate(input("prod", { reviews: approved, health: healthy(10), landedAt })), "soak").state).toBe("pending");
    const unknownSince = evaluate(input("prod", { reviews: approved, health: { status: "Healthy", release: R2 }, landedAt }));
    expect(state(unknownSince, "soak")).toEqual({
      name: "soak",
      state: "pass",
      summary: "landed in staging at 2025-03-11 09:20 UTC, 40m ago (soak 30m; counted from the landing: since when staging is Healthy is not known)",
    });
  });

  it("a rollback never demands the source's health", () => {
    const r = evaluate(input("prod", { reviews: approved, step: undefined, rollback: true }));
    expect(state(r, "source-health").state).toBe("not-observed");
    expect(state(r, "soak").state).toBe("pass");
    expect(r.conclusion).toBe("neutral");
  });

  it("soak is pending until the release has been healthy long enough", () => {
    const early = evaluate(input("prod", { reviews: approved, health: healthy(10) }));
    expect(state(early, "source-health")).toEqual({ name: "source-health", state: "pass", summary: `staging runs ${R2}, Healthy since 2025-03-11 09:50 UTC` });
    expect(state(early, "soak")).toEqual({ name: "soak", state: "pending", summary: "Healthy in staging for 10m of 30m; holds from 2025-03-11 10:20 UTC" });
    expect(early.conclusion).toBe("action_required");
    const later = evaluate(input("prod", { reviews: approved, health: healthy(30) }));
    expect(state(later, "soak")).toEqual({ name: "soak", state: "pass", summary: "Healthy in staging for 30m (soak 30m)" });
    expect(later.conclusion).toBe("success");
    expect(state(evaluate(input("staging", { health: healthy(0) })), "soak")).toEqual({
      name: "soak",
      state: "pass",
      summary: "no soak time for dev → staging",
    });
  });

  it("fails when the source runs another release or is degraded; waits while it progresses", () => {
    const other = evaluate(input("prod", { reviews: approved, health: healthy(60, TUESDAY, "999999999999") }));
    expect(state(other, "source-health")).toMatchObject({ state: "fail", summary: `staging runs release 999999999999, not ${R2}` });
    expect(state(other, "soak").state).toBe("pending");
    const degraded = evaluate(input("prod", { health: { status: "Degraded", release: R2, detail: "1/3 replicas ready" } }));
    expect(state(degraded, "source-health")).toMatchObject({ state: "fail", summary: `staging runs ${R2} but is Degraded (1/3 replicas ready)` });
    const progressing = evaluate(input("prod", { reviews: approved, health: { status: "Progressing", release: R2 } }));
    expect(state(progressing, "source-health").state).toBe("pending");
    expect(state(progressing, "soak")).toMatchObject({ state: "pending", summary: "soak 30m starts when staging is Healthy; it is Progressing" });
  });
});

describe("change window", () => {
  const at = (iso: string, window?: Record<string, unknown>) =>
    state(evaluate(input("prod", { now: new Date(iso) }, window ? acme({ prod: { window } }) : acme())), "window");

  it("passes inside the window in Berlin time", () => {
    expect(at("2025-03-11T10:00:00Z")).toEqual({
      name: "window",
      state: "pass",
      summary: "inside the change window (mon, tue, wed, thu 09:00-16:00 Europe/Berlin); closes Tue 2025-03-11 16:00 Europe/Berlin (2025-03-11 15:00 UTC)",
    });
  });

  it("blocks on a closed day and says when it opens", () => {
    const friday = at("2025-03-14T10:00:00Z");
    expect(friday).toEqual({
      name: "window",
      state: "pending",
      summary:
        "outside the change window (mon, tue, wed, thu 09:00-16:00 Europe/Berlin): it is Fri 2025-03-14 11:00 Europe/Berlin (2025-03-14 10:00 UTC); opens Mon 2025-03-17 09:00 Europe/Berlin (2025-03-17 08:00 UTC)",
    });
    const r = evaluate(
      input("prod", {
        now: new Date("2025-03-14T10:00:00Z"),
        reviews: [review("sam", "APPROVED", 1), review("sasha", "APPROVED", 2)],
        health: healthy(60, new Date("2025-03-14T10:00:00Z")),
      }),
    );
    expect(r.conclusion).toBe("action_required");
    expect(autoMergeAllowed({ autoMerge: true }, r)).toBe(false);
  });

  it("uses the window's time zone, not UTC, including summer time", () => {
    // 15:30 UTC on a Thursday is 16:30 in Berlin (CET): closed, though 15:30 is inside 09-16.
    expect(at("2025-03-13T15:30:00Z")).toMatchObject({ state: "pending", summary: expect.stringContaining("opens Mon 2025-03-17 09:00 Europe/Berlin") });
    // In July Berlin is UTC+2: 13:30 UTC is 15:30 there (open), 14:30 UTC is 16:30 (closed).
    expect(at("2025-07-10T13:30:00Z").state).toBe("pass");
    expect(at("2025-07-10T14:30:00Z")).toMatchObject({
      state: "pending",
      summary: expect.stringContaining("opens Mon 2025-07-14 09:00 Europe/Berlin (2025-07-14 07:00 UTC)"),
    });
    // Monday 23:30 UTC is already Tuesday 08:30 in Tokyo: the Monday window is over there.
    expect(at("2025-03-10T23:30:00Z", { days: ["mon"], hours: "09:00-16:00", timezone: "Asia/Tokyo" })).toMatchObject({
      state: "pending",
      summary: expect.stringContaining(
        "it is Tue 2025-03-11 08:30 Asia/Tokyo (2025-03-10 23:30 UTC); opens Mon 2025-03-17 09:00 Asia/Tokyo (2025-03-17 00:00 UTC)",
      ),
    });
  });

  it("handles 00:00-24:00, windows past midnight and opening times that fall in a DST gap", () => {
    expect(at("2025-03-10T10:00:00Z", { days: ["mon", "tue"], hours: "00:00-24:00", timezone: "UTC" })).toEqual({
      name: "window",
      state: "pass",
      summary: "inside the change window (mon, tue 00:00-24:00 UTC); closes Wed 2025-03-12 00:00 UTC",
    });
    expect(at("2025-03-15T02:00:00Z", { days: ["fri"], hours: "22:00-06:00", timezone: "UTC" })).toMatchObject({
      state: "pass",
      summary: expect.stringContaining("closes Sat 2025-03-15 06:00 UTC"),
    });
    expect(at("2025-03-15T07:00:00Z", { days: ["fri"], hours: "22:00-06:00", timezone: "UTC" })).toMatchObject({
      state: "pending",
      summary: expect.stringContaining("opens Fri 2025-03-21 22:00 UTC"),
    });
    // 02:30 does not exist in Berlin on 2025-03-30: the window opens when the clock jumps to 03:00.
    expect(at("2025-03-29T12:00:00Z", { days: ["sun"], hours: "02:30-04:00", timezone: "Europe/Berlin" })).toMatchObject({
      state: "pending",
      summary: expect.stringContaining("opens Sun 2025-03-30 03:00 Europe/Berlin (2025-03-30 01:00 UTC)"),
    });
  });

  it("passes when the environment has no window", () => {
    expect(state(evaluate(input("staging")), "window")).toEqual({ name: "window", state: "pass", summary: "staging has no change window" });
  });
});

describe("outcome", () => {
  it("auto-merges only when every gate passes (or is not observed and not required) and the environment allows it", () => {
    const staging: Environment = envOf(acme(), "staging");
    const all = evaluate(input("staging", { reviews: [review("alice", "APPROVED", 1)], health: healthy(5) }));
    expect(all.conclusion).toBe("success");
    expect(autoMergeAllowed(staging, all)).toBe(true);
    expect(autoMergeAllowed({ ...staging, autoMerge: false }, all)).toBe(false);
    expect(autoMergeAllowed(staging, evaluate(input("staging", { health: healthy(5) })))).toBe(false);
  });

  it("renders the check output as a table of gate, state and why", () => {
    const friday = new Date("2025-03-14T10:00:00Z");
    const r = evaluate(input("prod", { reviews: [review("alice", "APPROVED", 1)], health: healthy(10, friday), now: friday }));
    const out = gatesCheckOutput(r);
    expect(out.title).toBe("Waiting: approvals, soak, window");
    const lines = out.summary.split("\n");
    expect(lines[0]).toBe(`Promotion of release \`${R2}\` from **staging** to **prod**.`);
    expect(lines[2]).toBe("| Gate | State | Why |");
    expect(lines.slice(4, 9).map((l) => l.split(" | ").slice(0, 2).join(" | "))).toEqual([
      "| policies | ✅ pass",
      "| approvals | ⏳ pending",
      "| source-health | ✅ pass",
      "| soak | ⏳ pending",
      "| window | ⏳ pending",
    ]);
    expect(lines).toContain("Blocked by: approvals, soak, window.");
    expect(gatesCheckOutput(r)).toEqual(out);
  });

  it("reads the gates back from the check's data line, never from its table (the listing of promotions)", () => {
    const friday = new Date("2025-03-14T10:00:00Z");
    const r = evaluate(input("prod", { reviews: [review("alice", "APPROVED", 1)], health: healthy(10, friday), now: friday }));
    const summary = gatesCheckOutput(r).summary;
    expect(summary.endsWith(`\n\n${gatesRecord(r.gates)}\n`)).toBe(true);
    expect(readGatesRecord(summary)).toEqual(r.gates);
    // Text that would close the hidden comment or break a table stays inside the JSON.
    const odd = { ...r, gates: [{ name: "policies" as const, state: "fail" as const, summary: "a | b \\ c --> <b>\n</b>" }] };
    const oddSummary = gatesCheckOutput(odd).summary;
    const record = gatesRecord(odd.gates);
    expect(oddSummary.split("\n").filter((l) => l.includes("<!--"))).toEqual([record]);
    expect(record.indexOf("-->")).toBe(record.length - 3);
    expect(readGatesRecord(oddSummary)).toEqual(odd.gates);
    // The table alone says nothing Ferry reads back; neither does a record that does not parse.
    const tableOnly = summary
      .split("\n")
      .filter((l) => !l.startsWith("<!-- ferry:gates "))
      .join("\n");
    expect(tableOnly).toContain("| approvals | ⏳ pending |");
    expect(readGatesRecord(tableOnly)).toBeUndefined();
    expect(readGatesRecord('<!-- ferry:gates {"gates":[{"name":"unknown","state":"pass","summary":"x"}]} -->')).toBeUndefined();
    expect(readGatesRecord('<!-- ferry:gates {"gates":[{"name":"soak","state":"maybe","summary":"x"}]} -->')).toBeUndefined();
    expect(readGatesRecord("<!-- ferry:gates {not json} -->")).toBeUndefined();
  });

  it("titles the check by what blocks, what is not observed, or that every gate holds", () => {
    const approved = [review("sam", "APPROVED", 1), review("sasha", "APPROVED", 2)];
    const blocked = evaluate(input("prod", { reviews: [...approved, review("carol", "CHANGES_REQUESTED", 3)], health: { status: "Degraded", release: R2 } }));
    expect(gatesCheckOutput(blocked).title).toBe("Blocked: approvals, source-health");
    const relaxed = { from: "staging", to: ["prod"], soak: "30m", requireHealth: false };
    const neutral = gatesCheckOutput(evaluate(input("prod", { reviews: approved, step: relaxed })));
    expect(neutral.title).toBe("Nothing blocks; not observed: source-health, soak");
    expect(neutral.summary).toContain("the source environment's health is not observed, and the platform does not require it");
    expect(gatesCheckOutput(evaluate(input("prod", { reviews: approved, health: healthy(31) }))).title).toBe("Every gate holds");
  });

  it("refuses malformed input naming the field", () => {
    expect(() => evaluate({ ...input("staging"), release: "latest" } as Input)).toThrow(/release/);
  });

  it("formats durations", () => {
    expect([formatDuration(0), formatDuration(45), formatDuration(1800), formatDuration(5400), formatDuration(3661)]).toEqual([
      "0s",
      "45s",
      "30m",
      "1h30m",
      "1h1m1s",
    ]);
  });
});
