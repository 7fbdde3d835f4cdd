import { existsSync, readdirSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API_YAML, PLATFORM_YAML, Scratch, runCli } from "../../support/workspace.js";

/**
 * Every bad input gets a message naming file, line, column and field, exit code 1, and
 * nothing written. Each case starts from a valid platform and app and breaks one thing.
 */
let s: Scratch;
beforeEach(() => {
  s = new Scratch();
  s.write("platform", { ".ferry/platform.yaml": PLATFORM_YAML });
});
afterEach(() => s.cleanup());

async function renderApp(files: Record<string, string>, repo = "acme/shop-api") {
  const app = s.write(`apps/${repo}`, files);
  const out = s.path("out");
  const run = await runCli(["render", app, "--platform", s.path("platform"), "--out", out]);
  return { ...run, out, app };
}

function expectRefused(run: { code: number; stderr: string; out: string }, location: RegExp, message: RegExp) {
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(location);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).toContain("nothing was written");
  expect(existsSync(run.out)).toBe(false);
}

describe("ferry render refuses bad input with file:line:column and field, and writes nothing", () => {
  it("accepts the valid baseline (so each case below fails for its own reason)", async () => {
    const run = await renderApp({ ".ferry/api.yaml": API_YAML });
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(readdirSync(run.out).sort()).toEqual([".ferry-output", "environments", "releases"]);
  });

  it("malformed YAML", async () => {
    const run = await renderApp({ ".ferry/api.yaml": API_YAML.replace("endpoints:\n", "endpoints:\n  http: [\n") });
    expectRefused(run, /\.ferry\/api\.yaml:\d+:\d+: error:/, /invalid YAML/);
  });

  it("unknown field, pointing at the key", async () => {
    const run = await renderApp({ ".ferry/api.yaml": API_YAML.replace("    image:", "    imagePullPolicy: Always\n    image:") });
    expectRefused(run, /\.ferry\/api\.yaml:9:5: error: spec\.container\.imagePullPolicy:/, /unknown field "imagePullPolicy"/);
  });

  it("wrong type", async () => {
    const run = await renderApp({ ".ferry/api.yaml": API_YAML.replace("port: 8080", "port: eighty") });
    expectRefused(run, /\.ferry\/api\.yaml:14:\d+: error: spec\.endpoints\.http\.port:/, /expected number, got string "eighty"/);
  });

  it("a name that is not a DNS-1123 label", async () => {
    const run = await renderApp({ ".ferry/api.yaml": API_YAML.replace("name: api", "name: Checkout_API") });
    expectRefused(run, /\.ferry\/api\.yaml:4:9: error: metadata\.name:/, /"Checkout_API" is not a DNS-1123 label/);
  });

  it("'../' in a name never reaches a path", async () => {
    const run = await renderApp({ ".ferry/api.yaml": API_YAML.replace("name: api", "name: ../../etc") });
    expectRefused(run, /\.ferry\/api\.yaml:4:9: error: metadata\.name:/, /is not a DNS-1123 label/);
    expect(existsSync(s.path("etc"))).toBe(false);
  });

  it("an alias bomb", async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]",
      "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]",
    ].join("\n");
    const run = await renderApp({ ".ferry/api.yaml": API_YAML, ".ferry/bomb.yaml": bomb });
    expectRefused(run, /\.ferry\/bomb\.yaml:1:1: error:/, /alias bomb/);
  });

  it("a file over 1 MiB", async () => {
    const big = `${API_YAML}# ${"x".repeat(1024 * 1024)}\n`;
    const run = await renderApp({ ".ferry/api.yaml": big });
    expectRefused(run, /\.ferry\/api\.yaml: error:/, /larger than the 1048576-byte limit/);
  });

  it("a trait the component type does not allow", async () => {
    const yaml = API_YAML.replace(
      "  environments:",
      "  traits:\n    - {type: route, name: web, parameters: {endpoint: http, host: a.example.com}}\n  environments:",
    )
      .replace("type: service", "type: worker")
      .replace(/ {2}endpoints:\n.*\n/, "");
    const run = await renderApp({ ".ferry/api.yaml": yaml });
    expectRefused(run, /\.ferry\/api\.yaml:\d+:\d+: error: .*spec\.traits\[0\]\.type:/, /route/);
  });

  it("an override of a field the type does not declare overridable", async () => {
    const run = await renderApp({ ".ferry/api.yaml": API_YAML.replace("prod: {replicas: 2}", "prod: {replicas: 2, image: nginx}") });
    expectRefused(run, /\.ferry\/api\.yaml:\d+:\d+: error: .*spec\.environments\.prod\.image:/, /image/);
  });

  it("a dependency on a missing component", async () => {
    const yaml = API_YAML.replace("  environments:", "  dependencies:\n    - {component: ghost, endpoint: http, env: {url: GHOST_URL}}\n  environments:");
    const run = await renderApp({ ".ferry/api.yaml": yaml });
    expectRefused(run, /\.ferry\/api\.yaml:16:\d+: error: spec\.dependencies\[0\]\.component:/, /shop\/ghost, which no repository declares/);
  });

  it("a dependency on a missing endpoint", async () => {
    const web = API_YAML.replace("name: api", "name: web").replace(
      "  environments:",
      "  dependencies:\n    - {component: api, endpoint: grpc, env: {url: API_URL}}\n  environments:",
    );
    const run = await renderApp({ ".ferry/api.yaml": API_YAML, ".ferry/web.yaml": web });
    expectRefused(run, /\.ferry\/web\.yaml:16:\d+: error: spec\.dependencies\[0\]\.endpoint:/, /has no endpoint "grpc" \(it has http\)/);
  });

  it("a repository not listed for the project", async () => {
    const run = await renderApp({ ".ferry/api.yaml": API_YAML.replace("project: shop", "project: pay") });
    expectRefused(run, /\.ferry\/api\.yaml:5:\d+: error: metadata\.project:/, /repository acme\/shop-api may not declare components of project "pay"/);
  });

  it("reports every error of a run together", async () => {
    const a = API_YAML.replace("port: 8080", "port: eighty");
    const b = API_YAML.replace("name: api", "name: Bad_Name");
    const run = await renderApp({ ".ferry/a.yaml": a, ".ferry/b.yaml": b });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/a\.yaml:14:\d+: error: spec\.endpoints\.http\.port/);
    expect(run.stderr).toMatch(/b\.yaml:4:9: error: metadata\.name/);
  });

  it("leaves an earlier output untouched when a later render fails", async () => {
    const ok = await renderApp({ ".ferry/api.yaml": API_YAML });
    expect(ok.code).toBe(0);
    const before = readdirSync(ok.out, { recursive: true }).map(String).sort();
    const bad = await renderApp({ ".ferry/api.yaml": API_YAML.replace("port: 8080", "port: eighty") });
    expect(bad.code).toBe(1);
    expect(readdirSync(ok.out, { recursive: true }).map(String).sort()).toEqual(before);
  });
});
