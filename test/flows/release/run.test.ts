/** The release selection (flows/release/run.ts `selectFor`) on in-memory inputs: which plan items a push or a check publishes. */
import { describe, expect, it } from "vitest";
import { planRelease } from "../../../core/release/plan.js";
import { selectFor } from "../../../flows/release/run.js";
import { componentYaml } from "../../support/harness.js";
import { EMPTY, setup } from "../../support/release-setup.js";

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
