/** The wave gate (core/promotion/gates/wave.ts): a later wave of prod on three clusters holds until its earlier wave is through. */
import { describe, expect, it } from "vitest";
import { GATE_NAMES } from "../../../../core/promotion/gates/index.js";
import { acme, R1, R2 } from "../../../support/promotion-fixtures.js";
import { evaluate, input, state, TUESDAY } from "../../../support/gates-input.js";
import type { Input } from "../../../support/gates-input.js";

const ago = (minutes: number) => new Date(TUESDAY.getTime() - minutes * 60_000);
const CLUSTERS = [
  { name: "eu-1", context: "prod-eu-1", wave: 1 },
  { name: "eu-2", context: "prod-eu-2", wave: 1 },
  { name: "us-1", context: "prod-us-1", wave: 2 },
];
const platform = acme({ prod: { clusters: CLUSTERS } });
const verify = { duration: "10m", signals: { errorRate: { max: 0.01 } } };

/** Prod's gates for a pull request of wave `wave`; wave 1 (eu-1, eu-2) holds R2, us-1 holds R1; the step soaks waves 30m. */
function waveInput(waves: Partial<NonNullable<Input["waves"]>>, over: Partial<Input> = {}): Input {
  const base = input("prod", {}, platform);
  return input(
    "prod",
    {
      step: { ...base.step!, waves: { soak: "30m" } },
      waves: { wave: 2, deployed: { "eu-1": R2, "eu-2": R2, "us-1": R1 }, health: {}, ...waves },
      ...over,
    },
    platform,
  );
}

const healthy = (minutes: number, release = R2) => ({ status: "Healthy" as const, release, healthySince: ago(minutes) });
const wave = (raw: Input) => state(evaluate(raw), "wave");

describe("wave gate", () => {
  it("is one of the gates, evaluated last; passes for a target not in waves, the first wave and a rollback", () => {
    expect(GATE_NAMES.at(-1)).toBe("wave");
    expect(wave(input("prod"))).toEqual({ name: "wave", state: "pass", summary: "prod is not promoted in waves" });
    expect(wave(waveInput({ wave: 1 }))).toMatchObject({ state: "pass", summary: "wave 1 (eu-1, eu-2) is the first of prod" });
    const rollback = waveInput({}, { rollback: true });
    expect(wave(rollback)).toMatchObject({ state: "pass", summary: "a rollback of prod writes only the clusters that took the release it replaces" });
  });

  it("holds wave 2 while a cluster of wave 1 is not observed, not Healthy, or within its soak; passes once each is through", () => {
    const unseen = wave(waveInput({ health: { "eu-1": healthy(45) } }));
    expect(unseen).toMatchObject({ state: "pending" });
    expect(unseen.summary).toBe("wave 2 waits on wave 1: eu-2's health is not observed");
    const progressing = wave(waveInput({ health: { "eu-1": healthy(45), "eu-2": { status: "Progressing", release: R2, detail: "1/2 ready" } } }));
    expect(progressing).toMatchObject({ state: "pending", summary: "wave 2 waits on wave 1: eu-2 is Progressing (1/2 ready)" });
    const soaking = wave(waveInput({ health: { "eu-1": healthy(45), "eu-2": healthy(10) } }));
    expect(soaking.state).toBe("pending");
    expect(soaking.summary).toMatch(/^wave 2 waits on wave 1: eu-2 is Healthy for 10m.* of 30m; holds from /);
    const other = wave(waveInput({ health: { "eu-1": healthy(45), "eu-2": healthy(45, R1) } }));
    expect(other).toMatchObject({ state: "pending", summary: `wave 2 waits on wave 1: eu-2 still runs ${R1}` });
    const through = wave(waveInput({ health: { "eu-1": healthy(45), "eu-2": healthy(31) } }));
    expect(through).toMatchObject({ state: "pass" });
    expect(through.summary).toContain(`wave 1 (eu-1, eu-2) runs ${R2} Healthy for 30m`);
  });

  it("fails when a cluster of wave 1 that took the release is Degraded on it, naming the cluster (a wave 1 that degrades after wave 2 opened)", () => {
    const r = evaluate(waveInput({ health: { "eu-1": { status: "Degraded", release: R2, detail: "CrashLoopBackOff" }, "eu-2": healthy(45) } }));
    expect(state(r, "wave").state).toBe("fail");
    expect(state(r, "wave").summary).toBe(
      `the rollout of ${R2} stops at wave 1: eu-1 is Degraded (CrashLoopBackOff) on ${R2}; no later wave lands while it does (fix eu-1, or roll back with \`/ferry rollback prod\`)`,
    );
    expect(r.conclusion).toBe("failure");
  });

  it("holds when wave 1 does not hold the release (its folder was moved off it)", () => {
    const g = wave(waveInput({ deployed: { "eu-1": R2, "eu-2": R1, "us-1": R1 }, health: { "eu-1": healthy(45) } }));
    expect(g).toMatchObject({ state: "pending", summary: `wave 2 waits on wave 1 (eu-1, eu-2): it does not hold ${R2}` });
  });

  it("with verify on the step: holds until wave 1 is verified for the soak, fails on a failed verification, holds when not read", () => {
    const base = waveInput({});
    const step = { ...base.step!, verify };
    const health = { "eu-1": healthy(60), "eu-2": healthy(60) };
    const notRead = wave(waveInput({ health }, { step }));
    expect(notRead).toMatchObject({ state: "pending" });
    expect(notRead.summary).toContain("was not read");
    const verifying = wave(waveInput({ health, verification: { "eu-1": { signal: "verified", at: ago(40) }, "eu-2": { signal: "verifying" } } }, { step }));
    expect(verifying).toMatchObject({ state: "pending", summary: `wave 2 waits on wave 1: ${R2} is not verified in eu-2 yet (verifying)` });
    const failed = wave(
      waveInput(
        { health, verification: { "eu-1": { signal: "verified", at: ago(40) }, "eu-2": { signal: "failed", detail: "errorRate 0.2 > max 0.01" } } },
        { step },
      ),
    );
    expect(failed.state).toBe("fail");
    expect(failed.summary).toContain(`${R2} failed its verification in eu-2: errorRate 0.2 > max 0.01`);
    const verified = wave(
      waveInput({ health, verification: { "eu-1": { signal: "verified", at: ago(40) }, "eu-2": { signal: "verified", at: ago(31) } } }, { step }),
    );
    expect(verified).toMatchObject({ state: "pass" });
    expect(verified.summary).toContain("verified for 30m");
  });

  it("is bound to the release judged: health on another release never lets it pass", () => {
    const g = wave(waveInput({ health: { "eu-1": healthy(45), "eu-2": healthy(45) } }, { release: "333333333333" }));
    expect(g.state).toBe("pending");
    expect(g.summary).toBe("wave 2 waits on wave 1 (eu-1, eu-2): it does not hold 333333333333");
  });
});
