/** The healthy-period tracker (flows/status/healthy-tracker.ts). */
import { describe, expect, it } from "vitest";
import { HealthyTracker } from "../../../flows/status/healthy-tracker.js";
import { KEY, RELEASE_1, RELEASE_2 } from "../../support/status-scene.js";

const T0 = new Date("2026-03-02T10:00:00Z");
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

describe("HealthyTracker", () => {
  it("keeps the start of a Healthy period per release and ends it on anything else", () => {
    let now = T0;
    const t = new HealthyTracker(() => now);
    expect(t.observe(KEY, "Progressing", undefined)).toBeUndefined();
    now = at(1);
    expect(t.observe(KEY, "Healthy", RELEASE_1)).toEqual({ release: RELEASE_1, since: at(1), unconfirmed: false });
    now = at(5);
    expect(t.observe(KEY, "Healthy", RELEASE_1)?.since).toEqual(at(1));
    expect(t.observe(KEY, "Healthy", RELEASE_2)?.since).toEqual(at(5));
    now = at(6);
    expect(t.observe(KEY, "Degraded", RELEASE_2)).toBeUndefined();
    expect(t.current(KEY)).toBeUndefined();
    now = at(7);
    expect(t.observe(KEY, "Healthy", RELEASE_2)?.since).toEqual(at(7));
    expect(t.observe(KEY, "Healthy", undefined)).toBeUndefined();
    expect(t.observe({ ...KEY, environment: "prod" }, "Healthy", RELEASE_2)?.since).toEqual(at(7));
  });

  it("backdates only a period that began with the process's first look, and only to an earlier time", () => {
    let now = at(30);
    const t = new HealthyTracker(() => now);
    expect(t.observe(KEY, "Healthy", RELEASE_2)).toMatchObject({ since: at(30), unconfirmed: true });
    expect(t.confirm(KEY, RELEASE_1, at(0))).toMatchObject({ since: at(30), unconfirmed: true });
    expect(t.confirm(KEY, RELEASE_2, at(40))).toEqual({ release: RELEASE_2, since: at(30), unconfirmed: false });
    expect(t.confirm(KEY, RELEASE_2, at(0))?.since).toEqual(at(30));

    const fresh = new HealthyTracker(() => now);
    fresh.observe(KEY, "Healthy", RELEASE_2);
    expect(fresh.confirm(KEY, RELEASE_2, at(0))).toEqual({ release: RELEASE_2, since: at(0), unconfirmed: false });

    const dipped = new HealthyTracker(() => now);
    dipped.observe(KEY, "Degraded", RELEASE_2);
    now = at(35);
    expect(dipped.observe(KEY, "Healthy", RELEASE_2)).toMatchObject({ since: at(35), unconfirmed: false });
    expect(dipped.confirm(KEY, RELEASE_2, at(0))?.since).toEqual(at(35));
    dipped.forget(KEY);
    expect(dipped.current(KEY)).toBeUndefined();
  });
});
