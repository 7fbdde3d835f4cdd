/** The app's release selection and preview splitting (flows/release/run.ts, flows/preview/run.ts) on in-memory inputs. */
import { describe, expect, it } from "vitest";
import { commentMarker, markerPart } from "../../core/comments/markers.js";
import { previewParts } from "../../flows/preview/run.js";
import { planRelease } from "../../core/release/plan.js";
import { selectFor } from "../../flows/release/run.js";
import { componentYaml } from "./harness.js";
import { EMPTY, setup } from "../support/release-setup.js";

describe("planRelease", () => {
  it("renders waiting components (so errors show at once) but does not publish them", () => {
    const { bundle, apps, catalog, cel } = setup({ ".ferry/api.yaml": componentYaml({ extra: "  build: {waitForCheck: build}\n" }) });
    const env = bundle.platform.spec.environments[0]!;
    const onPush = planRelease({ bundle, components: apps, environments: [{ env, state: EMPTY }], catalog, cel, select: selectFor({ kind: "push" }) });
    expect(onPush.items).toEqual([expect.objectContaining({ kind: "waiting", check: "build" })]);
    const onCheck = planRelease({
      bundle,
      components: apps,
      environments: [{ env, state: EMPTY }],
      catalog,
      cel,
      select: selectFor({ kind: "check", name: "build" }),
    });
    expect(onCheck.items).toEqual([expect.objectContaining({ kind: "publish", mode: "commit" })]);
    const otherCheck = planRelease({
      bundle,
      components: apps,
      environments: [{ env, state: EMPTY }],
      catalog,
      cel,
      select: selectFor({ kind: "check", name: "lint" }),
    });
    expect(otherCheck.items).toEqual([expect.objectContaining({ kind: "waiting" })]);
  });
});

describe("preview comment", () => {
  it("falls back to the summary when the full diff needs too many comments", () => {
    const huge = (detail: "full" | "summary") => (detail === "full" ? `${"```diff\n"}${"+x\n".repeat(200_000)}${"```\n"}` : "summary text\n");
    const parts = previewParts(huge, 5);
    expect(parts).toEqual([`${commentMarker("preview")}\nsummary text\n`]);
    const some = previewParts((d) => (d === "full" ? "+y\n".repeat(30_000) : "summary"), 5);
    expect(some.length).toBeGreaterThan(1);
    expect(some.map((p) => markerPart(p, "preview"))).toEqual(some.map((_, i) => i + 1));
  });
});
