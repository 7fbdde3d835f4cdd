/** The change window gate, in the window's time zone. */
import { describe, expect, it } from "vitest";
import { autoMergeAllowed } from "../../../../core/promotion/gates/index.js";
import { acme } from "../../../support/promotion-fixtures.js";

import { evaluate, healthy, input, review, state } from "../../../support/gates-input.js";

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
