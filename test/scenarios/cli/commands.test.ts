import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMANDS } from "../../../cli/main.js";
import { API_YAML, PLATFORM_YAML, Scratch, runCli } from "../../support/workspace.js";

let s: Scratch;
beforeEach(() => {
  s = new Scratch();
  s.write("platform", { ".ferry/platform.yaml": PLATFORM_YAML });
});
afterEach(() => s.cleanup());

describe("ferry schema", () => {
  it("prints JSON Schemas that accept the bundled examples and reject unknown fields", async () => {
    const run = await runCli(["schema", "Component"]);
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout) as object;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const doc = parse(readFileSync("examples/apps/acme/checkout-api/.ferry/checkout-api.yaml", "utf8")) as Record<string, unknown>;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...doc, extra: 1 })).toBe(false);
  });

  it("knows every kind and refuses others with exit 2", async () => {
    for (const kind of ["Platform", "ComponentType", "Trait", "Policy", "Release"]) {
      const run = await runCli(["schema", kind]);
      expect(run.code, kind).toBe(0);
      expect((JSON.parse(run.stdout) as { title: string }).title).toBe(kind);
    }
    const bad = await runCli(["schema", "Deployment"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown kind "Deployment"/);
  });
});

describe("ferry validate", () => {
  it("exits 0 and shows warnings when only warnings are found", async () => {
    const app = s.write("apps/acme/shop-api", { ".ferry/api.yaml": API_YAML.replace(/ {4}probes:\n.*\n/, "") });
    const run = await runCli(["validate", app, "--platform", s.path("platform")]);
    expect(run.stderr).toMatch(/warning: .*readiness/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ok: 1 components valid, \d+ warning/);
  });

  it("exits 1 on a policy error and reports component, environment and resource", async () => {
    const app = s.write("apps/acme/shop-api", { ".ferry/api.yaml": API_YAML.replace("ghcr.io/acme/api:1.0.0", "ghcr.io/acme/api:latest") });
    const run = await runCli(["validate", app, "--platform", s.path("platform"), "--json"]);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as {
      ok: boolean;
      diagnostics: { code: string; environment: string; component: string; resource: string; line: number }[];
    };
    expect(out.ok).toBe(false);
    const latest = out.diagnostics.filter((d) => d.code === "policy/no-latest-tag");
    expect(latest.map((d) => d.environment)).toEqual(["prod"]);
    expect(latest[0]).toMatchObject({ component: "shop/api", resource: "Deployment/api", policy: "no-latest-tag" });
    expect(latest[0]!.line).toBeGreaterThan(0);
  });

  it("names the platform Policy and the built-in each finding comes from, in text and --json", async () => {
    s.write("platform", {
      ".ferry/policies/team-label.yaml": `apiVersion: ferry.dev/v1alpha1
kind: Policy
metadata: {name: team-label}
spec:
  match: {kinds: [Deployment]}
  rule: "'team' in object.metadata.labels"
  message: workloads need a team label
`,
    });
    const app = s.write("apps/acme/shop-api", { ".ferry/api.yaml": API_YAML.replace("ghcr.io/acme/api:1.0.0", "ghcr.io/acme/api:latest") });
    const text = await runCli(["validate", app, "--platform", s.path("platform")]);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(
      /api\.yaml:\d+:\d+: error: \[shop\/api dev,prod Deployment\/api\] policy "team-label": metadata\.name: workloads need a team label \(rule /,
    );
    expect(text.stderr).toMatch(/error: \[shop\/api prod Deployment\/api\] policy "no-latest-tag": spec\.container\.image: .*uses the latest tag/);

    const json = await runCli(["validate", app, "--platform", s.path("platform"), "--json"]);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as { diagnostics: { code: string; environment: string; policy?: string }[] };
    expect(out.diagnostics.filter((d) => d.code === "policy/team-label").map((d) => [d.environment, d.policy])).toEqual([["dev,prod", "team-label"]]);
    expect(out.diagnostics.filter((d) => d.code === "policy/no-latest-tag").map((d) => d.policy)).toEqual(["no-latest-tag"]);
  });
});

describe("ferry diff", () => {
  it("shows what a change does to the rendered tree, and nothing when nothing changed", async () => {
    const app = s.write("apps/acme/shop-api", { ".ferry/api.yaml": API_YAML });
    const p = s.path("platform");
    expect((await runCli(["render", app, "--platform", p, "--out", s.path("before")])).code).toBe(0);
    const same = await runCli(["diff", app, "--platform", p, "--against", s.path("before")]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/0 added, 0 changed, 0 removed/);

    s.write("apps/acme/shop-api", { ".ferry/api.yaml": API_YAML.replace("prod: {replicas: 2}", "prod: {replicas: 4}") });
    expect((await runCli(["render", app, "--platform", p, "--out", s.path("after")])).code).toBe(0);
    const changed = await runCli(["diff", s.path("before"), s.path("after"), "--json"]);
    expect(changed.code).toBe(1);
    const out = JSON.parse(changed.stdout) as { changes: { path: string; status: string; diff: string }[] };
    const deployment = out.changes.find((c) => c.path === "environments/prod/shop/api/deployment-api.yaml");
    expect(deployment?.status).toBe("changed");
    expect(deployment?.diff).toMatch(/^- {2}replicas: 2$/m);
    expect(deployment?.diff).toMatch(/^\+ {2}replicas: 4$/m);
    // A new release: its snapshot is added and every manifest's release label changes.
    expect(
      out.changes
        .filter((c) => c.path.startsWith("releases/"))
        .map((c) => c.status)
        .sort(),
    ).toEqual(["added", "removed"]);
  });
});

describe("the command line", () => {
  it("documents every command with examples", async () => {
    for (const name of Object.keys(COMMANDS)) {
      const run = await runCli([name, "--help"]);
      expect(run.code, name).toBe(0);
      expect(run.stdout, name).toMatch(/Examples:\n\s+([A-Z_]+=\S+ )?ferry /);
    }
    const top = await runCli(["--help"]);
    expect(top.stdout).toMatch(/Exit codes: 0 success; 1 .*; 2 bad usage/);
  });

  it("exits 2 on bad usage", async () => {
    expect((await runCli(["render", "--nope"])).code).toBe(2);
    expect((await runCli(["frobnicate"])).code).toBe(2);
    expect((await runCli(["render", "examples/apps", "--platform", "examples/platform"])).stderr).toMatch(/--out is required/);
    expect((await runCli(["validate", "examples/apps", "--platform", "examples/platform", "--env", "qa"])).code).toBe(2);
  });
});
