import { describe, expect, it } from "vitest";
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
    - name: shop
      repos: [acme/shop-api]
  environments:
    - name: dev
      cluster: {context: dev}
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
    - name: prod
      production: true
      gitops: {repo: acme/gitops-prod, branch: main, path: environments/prod}
`;

function check(previews: string): { diagnostics: Diagnostic[]; ok: boolean; text: string } {
  const text = `${BASE}  previews:\n${previews}`;
  const diagnostics: Diagnostic[] = [];
  const bundle = buildPlatformBundle(loadPlatformSources("platform", new Map([[".ferry/platform.yaml", text]]), diagnostics), loadBuiltins(), diagnostics);
  return { diagnostics, ok: bundle !== undefined, text };
}

const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("the platform's previews", () => {
  it("accepts a full setting and fills the defaults (label trigger, 72h, 10 per project)", () => {
    const r = check(`    from: dev\n    maxMonthlyCost: 50\n    host: "pr-\${pr}-\${component}.preview.example.com"\n`);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.ok).toBe(true);
    const parsed = buildPlatformBundle(loadPlatformSources("platform", new Map([[".ferry/platform.yaml", r.text]]), []), loadBuiltins(), [])!;
    expect(parsed.platform.spec.previews).toEqual({
      from: "dev",
      trigger: "label",
      ttl: "72h",
      maxMonthlyCost: 50,
      host: "pr-${pr}-${component}.preview.example.com",
      maxPerProject: 10,
    });
  });

  it("refuses a from environment without a cluster, at the line of previews.from", () => {
    const r = check(`    from: prod\n`);
    expect(r.ok).toBe(false);
    const d = r.diagnostics.find((x) => x.message.includes("has no cluster"));
    expect(d?.message).toContain('environment "prod" has no cluster');
    expect(d?.line).toBe(lineOf(r.text, "from: prod"));
    expect(d?.field).toBe("spec.previews.from");
  });

  it("refuses an unknown from environment, naming the known ones", () => {
    const r = check(`    from: staging\n`);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.message)).toContain('unknown environment "staging"; known: dev, prod');
  });

  it("refuses a ttl that is not a duration and an unknown trigger, both reported together with their fields", () => {
    const r = check(`    from: dev\n    ttl: three days\n    trigger: sometimes\n`);
    expect(r.ok).toBe(false);
    const ttl = r.diagnostics.find((d) => d.message.includes("three days"));
    expect(ttl?.message).toMatch(/not a duration/);
    expect(ttl?.line).toBe(lineOf(r.text, "ttl: three days"));
    expect(r.diagnostics.some((d) => d.line === lineOf(r.text, "trigger: sometimes"))).toBe(true);
  });

  it("refuses a host template with an unknown variable or one that makes no DNS name", () => {
    const unknown = check(`    from: dev\n    host: "\${branch}.preview.example.com"\n`);
    expect(unknown.ok).toBe(false);
    expect(unknown.diagnostics.find((d) => d.message.includes("${branch}"))?.line).toBe(lineOf(unknown.text, "host:"));
    const bad = check(`    from: dev\n    host: "PR_\${pr}.example.com"\n`);
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics.map((d) => d.message).join("\n")).toMatch(/does not make a DNS name/);
  });
});
