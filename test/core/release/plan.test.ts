/** The release plan and a commit's content (core/release/plan.ts) on in-memory inputs (no GitHub, no git). */
import { describe, expect, it } from "vitest";
import { commitContent, planRelease, publishMode } from "../../../core/release/plan.js";
import { parseEnvironmentState } from "../../../core/release/state.js";
import { firstEnvironments } from "../../../renderers/platform.js";
import { componentYaml, platformYaml } from "../../support/harness.js";
import { EMPTY, setup } from "../../support/release-setup.js";

describe("planRelease", () => {
  it("publishes changed components to the first environment only, and skips what is already there", () => {
    const { bundle, apps, catalog, cel } = setup({ ".ferry/api.yaml": componentYaml(), ".ferry/web.yaml": componentYaml({ name: "web" }) });
    const envs = firstEnvironments(bundle.platform);
    expect(envs.map((e) => e.name)).toEqual(["dev"]);
    const first = planRelease({ bundle, components: apps, environments: [{ env: envs[0]!, state: EMPTY }], catalog, cel });
    expect(first.items.map((i) => `${i.kind}:${i.env.name}`)).toEqual(["publish:dev", "publish:dev"]);

    // dev now holds api's release: only web is published again.
    const api = first.items.find((i) => i.kind === "publish" && i.app.release.metadata.component === "api");
    if (api?.kind !== "publish") throw new Error("api not planned");
    const held = parseEnvironmentState(new Map([...api.rendered.files]));
    const second = planRelease({ bundle, components: apps, environments: [{ env: envs[0]!, state: held }], catalog, cel });
    expect(second.items.map((i) => `${i.kind}:${i.kind === "remove" ? i.component : i.app.release.metadata.component}`)).toEqual([
      "unchanged:api",
      "publish:web",
    ]);
  });

  it("plans removals only for components the environment holds", () => {
    const { bundle, apps, catalog, cel } = setup({ ".ferry/api.yaml": componentYaml() });
    const env = bundle.platform.spec.environments[0]!;
    const state = parseEnvironmentState(new Map([["shop/gone/deployment-gone.yaml", "metadata: {labels: {ferry.dev/release: 0123456789ab}}\n"]]));
    const plan = planRelease({ bundle, components: apps, environments: [{ env, state }], catalog, cel, removed: ["shop/gone", "shop/never"] });
    expect(plan.items.filter((i) => i.kind === "remove")).toEqual([expect.objectContaining({ project: "shop", component: "gone", current: "0123456789ab" })]);
  });

  it("chooses a direct commit only where the environment auto-merges without approvals", () => {
    const { bundle } = setup({}, platformYaml({ devApprovals: 1 }));
    const [dev, staging] = bundle.platform.spec.environments;
    expect(publishMode(dev!)).toBe("pull-request");
    expect(publishMode(staging!)).toBe("pull-request");
    expect(publishMode(setup({}).bundle.platform.spec.environments[0]!)).toBe("commit");
  });
});

describe("commitContent", () => {
  it("writes the component directory (pruned), the namespace, the release file and the component's catalog files, with trailers", () => {
    const { bundle, apps, catalog, cel } = setup({ ".ferry/api.yaml": componentYaml() });
    const env = bundle.platform.spec.environments[0]!;
    const [item] = planRelease({ bundle, components: apps, environments: [{ env, state: EMPTY }], catalog, cel }).items;
    if (item?.kind !== "publish") throw new Error("not planned");
    const id = item.app.release.metadata.name;
    const content = commitContent(item, { repo: "acme/shop-api", sha: "b".repeat(40) });
    expect([...item.rendered.files.keys()]).toContain("shop/api/deployment-api.yaml");
    expect(content.changes.map((c) => [c.dir, [...c.files.keys()].sort(), c.prune])).toEqual([
      ["environments/dev/shop/api", [...item.rendered.files.keys()].map((k) => k.slice("shop/api/".length)).sort(), true],
      ["environments/dev/shop", ["namespace.yaml"], false],
      ["releases/shop/api", [`${id}.yaml`], false],
      ["catalog/shop/api", ["catalog-info.yaml"], true],
      ["catalog", ["shop.yaml"], false],
    ]);
    expect(content.trailers).toEqual({
      "Ferry-Component": "shop/api",
      "Ferry-Environment": "dev",
      "Ferry-Release": id,
      "Ferry-Source": `acme/shop-api@${"b".repeat(40)}`,
    });
    expect(content.branch).toBe("ferry/release/dev/shop/api");
    expect(content.message.split("\n")[0]).toBe(`ferry: release shop/api ${id} to dev`);
  });
});
