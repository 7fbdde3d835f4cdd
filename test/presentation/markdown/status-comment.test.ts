/** The status comment (presentation/markdown/status-comment.ts). */
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../core/status/diagnose.js";
import { renderStatusComment, statusCommentKey } from "../../../presentation/markdown/status-comment.js";
import { releaseHealth } from "../../../core/status/rollout-decision.js";
import { commentMarker } from "../../../core/comments/markers.js";
import { KEY, RELEASE_2 } from "../../support/status-scene.js";
import { healthOf } from "../../support/component-health.js";

const T0 = new Date("2026-03-02T10:00:00Z");
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

describe("status comment", () => {
  it("renders deterministically, with the marker key the upsert finds", () => {
    const health = releaseHealth(healthOf({}), RELEASE_2);
    const input = {
      key: KEY,
      context: "kind-dev",
      release: RELEASE_2,
      health,
      diagnosis: diagnose({ key: KEY, health }),
      startedAt: T0,
      degradedSettleMs: 300_000,
      maxWatchMs: 3_600_000,
    };
    const body = renderStatusComment(input);
    expect(renderStatusComment(input)).toBe(body);
    expect(body).not.toContain("Last update");
    expect(renderStatusComment({ ...input, updatedAt: at(3) })).toContain("| Last update | 2026-03-02 10:03 UTC |");
    expect(body).toContain("⏳ Ferry keeps this comment up to date until the rollout settles: Healthy, or Degraded for 5m.");
    expect(commentMarker(statusCommentKey(KEY))).toBe("<!-- ferry:status:dev:shop/api -->");
  });
});
