import { describe, expect, it } from "vitest";
import { bundleRefusal, governingBundle } from "../../../core/bundles/bundles.js";
import { buildPlatformBundle } from "../../../core/platform-bundle.js";
import type { Diagnostic } from "../../../renderers/diagnostics.js";
import { loadPlatformSources } from "../../../renderers/load.js";
import { loadBuiltins } from "../../../templates/index.js";

const BASE = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata:
  name: acme
spec:
  projects:
    - name: clinic
      repos: [acme/clinic]
    - name: shop
      repos: [acme/shop]
  environments:
    - name: dev
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
    - name: staging
      gitops: {repo: acme/gitops, branch: main, path: environments/staging}
    - name: prod
      gitops: {repo: acme/gitops-prod, branch: main, path: environments/prod}
  pipeline:
    - {from: dev, to: [staging]}
    - {from: staging, to: [prod]}
`;

function check(bundles: string) {
  const text = `${BASE}  bundles:\n${bundles}`;
  const diagnostics: Diagnostic[] = [];
  const bundle = buildPlatformBundle(loadPlatformSources("platform", new Map([[".ferry/platform.yaml", text]]), diagnostics), loadBuiltins(), diagnostics);
  const errors = diagnostics.filter((d) => d.severity === "error").map((d) => `${d.file}:${d.line} ${d.field}: ${d.message}`);
  return { bundle, errors, text };
}

const lineOf = (text: string, needle: string, from = 0) => text.split("\n").findIndex((l, i) => i >= from && l.includes(needle)) + 1;

describe("the platform's bundles", () => {
  it("accepts components or a whole project, and governs a component from the bundle's `from` on", () => {
    const r = check(
      `    - {name: clinic-core, components: [clinic/appointments-api, clinic/patient-records], from: staging}\n    - {name: shop, project: shop, from: dev}\n`,
    );
    expect(r.errors).toEqual([]);
    const platform = r.bundle!.platform;
    expect(governingBundle(platform, "clinic", "appointments-api", "dev")).toBeUndefined();
    expect(governingBundle(platform, "clinic", "appointments-api", "staging")?.name).toBe("clinic-core");
    expect(governingBundle(platform, "clinic", "appointments-api", "prod")?.name).toBe("clinic-core");
    expect(governingBundle(platform, "clinic", "billing", "staging")).toBeUndefined();
    expect(governingBundle(platform, "shop", "anything", "dev")?.name).toBe("shop");
    expect(bundleRefusal(governingBundle(platform, "clinic", "appointments-api", "staging")!, "clinic/appointments-api", "prod")).toBe(
      "clinic/appointments-api is in bundle clinic-core: from staging on it is promoted only together with clinic/patient-records, as one pull request (ferry/bundle/clinic-core/prod)",
    );
  });

  it("refuses a component in two bundles, unknown environments and projects, and malformed members, each at its file, line and field", () => {
    const r = check(
      [
        "    - name: a",
        "      components: [clinic/api, clinic/web]",
        "      from: staging",
        "    - name: b",
        "      components: [clinic/web, nope/x]",
        "      from: qa",
        "    - name: c",
        "      project: clinic",
        "      from: dev",
        "",
      ].join("\n"),
    );
    expect(r.bundle).toBeUndefined();
    const bundlesAt = lineOf(r.text, "bundles:");
    const at = (needle: string) => lineOf(r.text, needle, bundlesAt);
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `:${at("components: [clinic/web, nope/x]")} spec\\.bundles\\[1\\]\\.components\\[0\\]: "clinic/web" is in bundle "b" and in bundle "a": a component belongs to one bundle`,
          ),
        ),
        expect.stringMatching(new RegExp(`:${at("components: [clinic/web, nope/x]")} spec\\.bundles\\[1\\]\\.components\\[1\\]: unknown project "nope"`)),
        expect.stringMatching(new RegExp(`:${at("from: qa")} spec\\.bundles\\[1\\]\\.from: unknown environment "qa"; known: dev, staging, prod`)),
        expect.stringMatching(
          /spec\.bundles\[2\]\.project: project "clinic" is in bundle "c" and "clinic\/api" in bundle "a": a component belongs to one bundle/,
        ),
      ]),
    );
    expect(r.errors).toHaveLength(4);
    // What the schema refuses, before the platform is checked as a whole.
    const schema = check(
      `    - {name: d, components: [clinic, shop/api], from: dev}\n    - {name: e, project: shop, components: [shop/a, shop/b], from: dev}\n`,
    );
    expect(schema.errors).toEqual([
      `platform/.ferry/platform.yaml:${lineOf(schema.text, "{name: d,")} spec.bundles[0].components[0]: must be <project>/<component> (DNS labels)`,
      `platform/.ferry/platform.yaml:${lineOf(schema.text, "{name: e,")} spec.bundles[1]: a bundle names either components or project, not both`,
    ]);
  });
});
