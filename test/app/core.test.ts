/** The release plan, preview model and comment text on in-memory inputs (no GitHub, no git). */
import { describe, expect, it } from "vitest";
import { commentMarker, markerPart } from "../../core/comments/markers.js";
import { previewMarkdown, fenceFor } from "../../presentation/markdown/preview.js";
import { buildPreview } from "../../core/preview/model.js";
import { previewParts } from "../../flows/preview/run.js";
import { commitContent, planRelease, publishMode } from "../../core/release/plan.js";
import { releaseReport, resultsTable } from "../../presentation/markdown/release-check.js";
import { selectFor } from "../../flows/release/run.js";
import { parseEnvironmentState } from "../../core/release/state.js";
import type { EnvironmentState } from "../../core/release/state.js";
import { catalogKey, loadApps } from "../../renderers/apps.js";
import { CelEngine } from "../../renderers/cel.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { loadPlatformSources } from "../../renderers/load.js";
import { buildPlatformBundle } from "../../core/platform-bundle.js";
import { firstEnvironments } from "../../renderers/platform.js";
import { loadBuiltins } from "../../templates/index.js";
import { componentYaml, platformYaml } from "./harness.js";

function setup(components: Record<string, string>, platform = platformYaml(), platformFiles: Record<string, string> = {}) {
  const diagnostics: Diagnostic[] = [];
  const bundle = buildPlatformBundle(
    loadPlatformSources("acme/platform", new Map([[".ferry/platform.yaml", platform], ...Object.entries(platformFiles)]), diagnostics),
    loadBuiltins(),
    diagnostics,
  );
  if (!bundle) throw new Error(JSON.stringify(diagnostics));
  const apps = loadApps(bundle, [{ repo: "acme/shop-api", root: "", files: new Map(Object.entries(components)), sha: "a".repeat(40) }], diagnostics);
  const catalog = new Map(apps.map((c) => [catalogKey(c.release.metadata.project, c.release.metadata.component), c.component]));
  return { bundle, apps, catalog, diagnostics, cel: new CelEngine() };
}

const EMPTY: EnvironmentState = parseEnvironmentState(new Map());

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

describe("release report", () => {
  it("stays in progress while a component waits, and fails when a publish failed", () => {
    const { bundle, apps, catalog, cel } = setup({ ".ferry/api.yaml": componentYaml() });
    const env = bundle.platform.spec.environments[0]!;
    const [item] = planRelease({ bundle, components: apps, environments: [{ env, state: EMPTY }], catalog, cel }).items;
    expect(releaseReport([{ item: item!, status: "waiting", check: "build" }], "acme/shop-api@x", undefined, []).state).toBe("in_progress");
    const failed = releaseReport([{ item: item!, status: "failed", error: "push rejected | by hook" }], "acme/shop-api@x", undefined, []);
    expect(failed.state).toBe("failure");
    expect(failed.summary).toContain("push rejected \\| by hook");
    expect(resultsTable([])).toBe("No components.");
  });
});

describe("preview comment", () => {
  const headerOf = (diagnostics: Diagnostic[] = []) => ({
    source: `acme/shop-api@${"c".repeat(40)}`,
    platform: `acme/platform@${"d".repeat(40)}`,
    fork: false,
    diagnostics,
  });

  it("shows every environment with its status, release and diff", () => {
    const { bundle, apps, catalog, cel } = setup({ ".ferry/api.yaml": componentYaml() });
    const preview = buildPreview({
      bundle,
      components: apps,
      environments: bundle.platform.spec.environments.map((env) => ({ env, state: EMPTY })),
      catalog,
      cel,
    });
    const text = previewMarkdown(preview, headerOf());
    expect(text).toMatch(/^## Ferry preview\n\nHead `acme\/shop-api@ccccccc` · platform `acme\/platform@ddddddd`/);
    expect(text).toContain("### dev\n\nReleases land here committed directly.");
    expect(text).toContain("### staging\n\nReleases land here through a pull request.");
    expect(text.match(/\| `shop\/api` \| new \|/g)).toHaveLength(2);
    expect(text).toContain("+++ b/shop/api/deployment-api.yaml");
    expect(previewMarkdown(preview, headerOf(), "summary")).toContain("- `shop/api/deployment-api.yaml` added");
  });

  it("names the policy of every finding, in the findings and in the component's row", () => {
    const teamLabel = `apiVersion: ferry.dev/v1alpha1
kind: Policy
metadata: {name: team-label}
spec:
  environments: [dev]
  match: {kinds: [Deployment]}
  rule: "'team' in object.metadata.labels"
  message: workloads need a team label
`;
    const { bundle, apps, catalog, cel } = setup({ ".ferry/api.yaml": componentYaml().replace(/ {4}probes:\n.*\n/, "") }, platformYaml(), {
      ".ferry/policies/team-label.yaml": teamLabel,
    });
    const env = bundle.platform.spec.environments[0]!;
    const preview = buildPreview({ bundle, components: apps, environments: [{ env, state: EMPTY }], catalog, cel });
    const text = previewMarkdown(preview, headerOf(preview.environments.flatMap((e) => e.components.flatMap((c) => c.diagnostics))));
    expect(text).toContain("❌ **1 error(s)**");
    expect(text).toMatch(/\| `shop\/api` \| invalid \| .* \| ❌ 1 error\(s\), ⚠️ 1 warning\(s\) \(`readiness-probe`, `team-label`\) \|/);
    expect(text).toContain("#### Policy results in dev");
    expect(text).toMatch(
      /^- ❌ \.ferry\/api\.yaml:\d+:\d+: error: \[shop\/api dev Deployment\/api\] policy "team-label": metadata\.name: workloads need a team label/m,
    );
    expect(text).toMatch(/^- ⚠️ \.ferry\/api\.yaml:\d+:\d+: warning: \[shop\/api dev Deployment\/api\] policy "readiness-probe": /m);
  });

  it("shows removed components and unchanged ones", () => {
    const { bundle, apps, catalog, cel } = setup({ ".ferry/api.yaml": componentYaml() });
    const env = bundle.platform.spec.environments[0]!;
    const rendered = buildPreview({ bundle, components: apps, environments: [{ env, state: EMPTY }], catalog, cel });
    const files = new Map(rendered.environments[0]!.components[0]!.diff.changes.map((c) => [c.path, c.status === "added" ? c.after : ""]));
    files.set("shop/old/deployment-old.yaml", "kind: Deployment\n");
    const preview = buildPreview({
      bundle,
      components: apps,
      removed: ["shop/old"],
      environments: [{ env, state: parseEnvironmentState(files) }],
      catalog,
      cel,
    });
    expect(preview.environments[0]!.components.map((c) => `${c.key}:${c.status}`)).toEqual(["shop/api:unchanged", "shop/old:removed"]);
    expect(previewMarkdown(preview, headerOf())).toContain("| `shop/old` | removed | — | 0 | 0 | 1 |");
  });

  it("falls back to the summary when the full diff needs too many comments", () => {
    const huge = (detail: "full" | "summary") => (detail === "full" ? `${"```diff\n"}${"+x\n".repeat(200_000)}${"```\n"}` : "summary text\n");
    const parts = previewParts(huge, 5);
    expect(parts).toEqual([`${commentMarker("preview")}\nsummary text\n`]);
    const some = previewParts((d) => (d === "full" ? "+y\n".repeat(30_000) : "summary"), 5);
    expect(some.length).toBeGreaterThan(1);
    expect(some.map((p) => markerPart(p, "preview"))).toEqual(some.map((_, i) => i + 1));
  });

  it("fences diffs with more backticks than any line they hold", () => {
    expect(fenceFor("a\n```\nb")).toBe("````");
    expect(fenceFor(" ``````x")).toBe("```````");
    expect(fenceFor("plain")).toBe("```");
  });
});
