/** The preview comment (presentation/markdown/preview.ts) built from the preview model on in-memory inputs. */
import { describe, expect, it } from "vitest";
import { previewMarkdown, fenceFor } from "../../../presentation/markdown/preview.js";
import { buildPreview } from "../../../core/preview/model.js";
import { parseEnvironmentState } from "../../../core/release/state.js";
import type { Diagnostic } from "../../../renderers/diagnostics.js";
import { componentYaml, platformYaml } from "../../support/harness.js";
import { EMPTY, setup } from "../../support/release-setup.js";

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

  it("fences diffs with more backticks than any line they hold", () => {
    expect(fenceFor("a\n```\nb")).toBe("````");
    expect(fenceFor(" ``````x")).toBe("```````");
    expect(fenceFor("plain")).toBe("```");
  });
});
