/**
 * Command-line start: the registry imports a command's module only when that command runs, so
 * `ferry --help` and `ferry schema` load no Probot, Kubernetes client or cdk8s. Checked on the
 * sources (through tsx) and on the built output `npx ferry` runs (bin/ferry.js, dist/), by
 * recording every module the process loads (test/support/record-imports.mjs).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const RECORDER = join(ROOT, "test/support/record-imports.mjs");
const HEAVY = ["probot", "@kubernetes/client-node", "cdk8s"];
const FROM_SOURCES = 'const { main } = await import("./cli/main.ts"); process.exitCode = await main(process.argv.slice(1));';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs node with `args` from the repository root; returns stdout and the packages it loaded. */
function loaded(args: readonly string[]): { stdout: string; packages: Set<string> } {
  const dir = mkdtempSync(join(tmpdir(), "ferry-imports-"));
  temps.push(dir);
  const out = join(dir, "imports.txt");
  const env: NodeJS.ProcessEnv = { ...process.env, FERRY_RECORD_IMPORTS: out };
  delete env.NODE_OPTIONS;
  const stdout = execFileSync(process.execPath, args, { cwd: ROOT, env, encoding: "utf8" });
  const packages = new Set(
    readFileSync(out, "utf8")
      .split("\n")
      .flatMap((url) => [...(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.slice(1, 2) ?? [])]),
  );
  return { stdout, packages };
}

const sources = (argv: readonly string[]) => loaded(["--import", "tsx", "--import", RECORDER, "--input-type=module", "-e", FROM_SOURCES, "--", ...argv]);
const built = (argv: readonly string[]) => loaded(["--import", RECORDER, "bin/ferry.js", ...argv]);

describe.each([
  ["the sources", sources],
  ["the build (bin/ferry.js, dist/)", built],
])("ferry started from %s", (_, run) => {
  it("prints its help without loading any command", () => {
    const help = run(["--help"]);
    expect(help.stdout).toMatch(/^Commands:\n {2}render /m);
    for (const pkg of [...HEAVY, "zod", "yaml"]) expect(help.packages, pkg).not.toContain(pkg);
  });

  it("prints a schema with zod and without Probot, the Kubernetes client or cdk8s", () => {
    const schema = run(["schema", "Component"]);
    expect((JSON.parse(schema.stdout) as { title: string }).title).toBe("Component");
    expect(schema.packages).toContain("zod");
    for (const pkg of HEAVY) expect(schema.packages, pkg).not.toContain(pkg);
  });

  it("validates the bundled example with cdk8s, the built-in templates and no Probot or Kubernetes client", () => {
    const validate = run(["validate", "examples/apps", "--platform", "examples/platform"]);
    expect(validate.stdout).toMatch(/^ok: \d+ components valid/m);
    expect(validate.packages).toContain("cdk8s");
    for (const pkg of ["probot", "@kubernetes/client-node"]) expect(validate.packages, pkg).not.toContain(pkg);
  });
});
