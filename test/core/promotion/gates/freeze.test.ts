/** The freeze gate: a freeze covering the target holds a promotion; a maintainer's break-glass on the judged head lets it through. */
import { describe, expect, it } from "vitest";
import { autoMergeAllowed, GatesInput } from "../../../../core/promotion/gates/index.js";
import { brokenFreeze } from "../../../../core/promotion/gates/freeze.js";
import { breakGlassTrailer, parseBreakGlass } from "../../../../core/promotion/freezes.js";
import { evaluate, HEAD, healthy, input, OLD, review, state, TUESDAY } from "../../../support/gates-input.js";
import type { Input } from "../../../support/gates-input.js";
import { buildPlatformBundle } from "../../../../core/platform-bundle.js";
import type { Diagnostic } from "../../../../renderers/diagnostics.js";
import { loadPlatformSources } from "../../../../renderers/load.js";
import { loadBuiltins } from "../../../../templates/index.js";

const FREEZE = { environments: ["prod"], from: "2025-03-10T00:00:00Z", until: "2025-03-12T06:00:00Z", reason: "quarter close" };
const ready = { reviews: [review("sam", "APPROVED", 1), review("sasha", "APPROVED", 2)], health: healthy(60) };
const glass = (over: Partial<NonNullable<Input["breakGlass"]>> = {}) => ({
  breakGlass: { login: "mia", reason: "payments down: hotfix", commit: HEAD, permission: "maintain" as const, ...over },
});
const prod = (over: Partial<Input> = {}) => input("prod", { ...ready, freezes: [FREEZE], ...over });

describe("freeze gate", () => {
  it("holds a promotion into a frozen environment, saying the freeze's reason and end and how to break glass", () => {
    const r = evaluate(prod());
    expect(state(r, "freeze")).toEqual({
      name: "freeze",
      state: "pending",
      summary:
        'prod is frozen (quarter close, until 2025-03-12 06:00 UTC); a person with maintain on the app repository may break glass: `/ferry promote prod --break-glass "why"`',
    });
    expect(r.conclusion).toBe("action_required");
    expect(autoMergeAllowed({ autoMerge: true }, r)).toBe(false);
    // Every other gate holds: the freeze alone holds it.
    expect(r.gates.filter((g) => g.state !== "pass").map((g) => g.name)).toEqual(["freeze"]);
  });

  it("covers from `from` (inclusive) until `until` (exclusive), only the environments it names, on the gate's clock", () => {
    const at = (iso: string) => state(evaluate(prod({ now: new Date(iso) })), "freeze").state;
    expect(at("2025-03-09T23:59:59Z")).toBe("pass");
    expect(at("2025-03-10T00:00:00Z")).toBe("pending");
    expect(at("2025-03-12T05:59:59Z")).toBe("pending");
    expect(at("2025-03-12T06:00:00Z")).toBe("pass");
    expect(state(evaluate(prod({ now: new Date("2025-03-12T06:00:00Z") })), "freeze").summary).toBe("no freeze covers prod");
    expect(state(evaluate(input("staging", { freezes: [FREEZE] })), "freeze")).toMatchObject({ state: "pass", summary: "no freeze covers staging" });
    // Two freezes at once: both are said, the one ending last first.
    const later = { environments: ["staging", "prod"], from: "2025-03-01T00:00:00Z", until: "2025-04-01T00:00:00Z", reason: "audit" };
    expect(state(evaluate(prod({ freezes: [FREEZE, later] })), "freeze").summary).toMatch(
      /^prod is frozen \(audit, until 2025-04-01 00:00 UTC; quarter close, until 2025-03-12 06:00 UTC\)/,
    );
  });

  it("passes with a maintainer's break-glass on the head commit, and the merge records who and why", () => {
    const parsed = GatesInput.parse(prod(glass()));
    const r = evaluate(prod(glass()));
    expect(state(r, "freeze")).toEqual({
      name: "freeze",
      state: "pass",
      summary: "prod is frozen (quarter close, until 2025-03-12 06:00 UTC); glass broken by @mia (maintain): payments down: hotfix",
    });
    expect(autoMergeAllowed({ autoMerge: true }, r)).toBe(true);
    expect(brokenFreeze(parsed)).toEqual({ login: "mia", reason: "payments down: hotfix" });
    expect(state(evaluate(prod(glass({ permission: "admin" }))), "freeze").state).toBe("pass");
    // Other gates still hold it: a break-glass is no approval.
    expect(evaluate(prod({ ...glass(), reviews: [] })).conclusion).toBe("action_required");
  });

  it("voids a break-glass by a writer, or one given on another commit than the head (a later push)", () => {
    const writer = evaluate(prod(glass({ permission: "write" })));
    expect(state(writer, "freeze")).toMatchObject({
      state: "pending",
      summary: "prod is frozen (quarter close, until 2025-03-12 06:00 UTC); @mia has write on the app repository, breaking glass needs maintain",
    });
    expect(brokenFreeze(GatesInput.parse(prod(glass({ permission: "write" }))))).toBeUndefined();
    const pushed = evaluate(prod(glass({ commit: OLD })));
    expect(state(pushed, "freeze").state).toBe("pending");
    expect(state(pushed, "freeze").summary).toContain(`@mia broke glass on ${OLD.slice(0, 7)}, not on the head ${HEAD.slice(0, 7)} (a later push voids it)`);
    expect(brokenFreeze(GatesInput.parse(prod(glass({ commit: OLD }))))).toBeUndefined();
  });

  it("records no break-glass where no freeze covers the target, and never holds a rollback", () => {
    const thawed = GatesInput.parse(prod({ ...glass(), now: new Date("2025-03-13T10:00:00Z"), health: healthy(60, new Date("2025-03-13T10:00:00Z")) }));
    expect(brokenFreeze(thawed)).toBeUndefined();
    const rollback = evaluate(prod({ rollback: true, now: TUESDAY }));
    expect(state(rollback, "freeze")).toMatchObject({
      state: "pass",
      summary: "prod is frozen (quarter close, until 2025-03-12 06:00 UTC); a rollback is not held",
    });
  });

  it("writes and reads the Ferry-Break-Glass trailer value <login>: <reason>", () => {
    expect(breakGlassTrailer({ login: "mia", reason: "  payments down: hotfix " })).toBe("mia: payments down: hotfix");
    expect(parseBreakGlass("mia: payments down: hotfix")).toEqual({ login: "mia", reason: "payments down: hotfix" });
    expect(parseBreakGlass("not a login!: why")).toBeUndefined();
    expect(parseBreakGlass("mia:")).toBeUndefined();
    expect(() => breakGlassTrailer({ login: "mia", reason: "two\nlines" })).toThrow("break-glass: the reason must be a single line");
  });
});

describe("spec.freezes of the platform", () => {
  const FILE = ".ferry/platform.yaml";
  const platform = (freezes: string) => `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - {name: shop, repos: [acme/shop-api]}
  environments:
    - {name: staging, gitops: {repo: acme/gitops, path: environments/staging}}
    - {name: prod, production: true, gitops: {repo: acme/gitops-prod, path: environments/prod}}
  pipeline:
    - {from: staging, to: [prod]}
  freezes:
${freezes}`;
  const load = (freezes: string) => {
    const yaml = platform(freezes);
    const diagnostics: Diagnostic[] = [];
    const bundle = buildPlatformBundle(loadPlatformSources("", new Map([[FILE, yaml]]), diagnostics), loadBuiltins(), diagnostics);
    return { bundle, errors: diagnostics.filter((d) => d.severity === "error").map(({ file, line, field, message }) => ({ file, line, field, message })) };
  };

  it("loads a freeze as formats.md writes it", () => {
    const { bundle, errors } = load(`    - environments: [prod]
      from: 2026-12-20T00:00:00Z
      until: 2027-01-04T00:00:00Z
      reason: year-end freeze
`);
    expect(errors).toEqual([]);
    expect(bundle?.platform.spec.freezes).toEqual([
      { environments: ["prod"], from: "2026-12-20T00:00:00Z", until: "2027-01-04T00:00:00Z", reason: "year-end freeze" },
    ]);
  });

  it("names the file, line and field of every bad freeze, all at once", () => {
    const { bundle, errors } = load(`    - environments: [prod, qa]
      from: 2026-12-20T00:00:00Z
      until: 2026-12-19T00:00:00Z
      reason: year-end freeze
    - environments: [prod]
      from: next monday
      until: 2027-01-04T00:00:00Z
      reason: ""
`);
    expect(bundle).toBeUndefined();
    expect(errors).toEqual([
      { file: FILE, line: 15, field: "spec.freezes[0].until", message: "until must be after from" },
      { file: FILE, line: 18, field: "spec.freezes[1].from", message: '"next monday" is not a time like 2026-12-20T00:00:00Z' },
      { file: FILE, line: 20, field: "spec.freezes[1].reason", message: "a freeze needs a reason" },
    ]);
    // A second pass, once the shapes hold: the unknown environment, at its item.
    const unknown = load(`    - environments: [prod, qa]
      from: 2026-12-20T00:00:00Z
      until: 2027-01-04T00:00:00Z
      reason: year-end freeze
`);
    expect(unknown.errors).toEqual([
      { file: FILE, line: 13, field: "spec.freezes[0].environments[1]", message: 'unknown environment "qa"; the platform has staging, prod' },
    ]);
  });
});
