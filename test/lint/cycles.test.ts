/**
 * The import-cycle check (`npm run lint:cycles`: dependency-cruiser's `no-circular` with the
 * project's .dependency-cruiser.js, part of `npm run lint` and so of `.ci/run`) fires on a
 * planted two-file loop, also one made only of `import type`, and passes on the real tree.
 */
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = process.cwd();
const BIN = join(ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");
const SOURCE_FOLDERS = ["app", "portal", "flows", "adapters", "core", "operations", "mcp", "cli", "renderers", "policies", "presentation", "templates"];

/** The arguments of the `lint:cycles` script after `depcruise`, the exact check CI runs. */
async function scriptArgs(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const [bin, ...args] = (pkg.scripts["lint:cycles"] ?? "").split(/\s+/);
  expect(bin).toBe("depcruise");
  return args;
}

/** Runs the check with the project's configuration in `cwd` over `targets`: exit code and output. */
async function check(cwd: string, targets: string[]): Promise<{ code: number; out: string }> {
  const args = await scriptArgs();
  const configAt = args.indexOf("--config");
  const config = join(ROOT, args[configAt + 1] ?? "");
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, "--config", config, ...targets], { cwd });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, out: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A scratch project (tsconfig.json as the repository's resolves imports) holding `files`. */
async function plant(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-cycles-"));
  dirs.push(dir);
  await writeFile(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", verbatimModuleSyntax: true, strict: true } }),
  );
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

describe("no import cycle (dependency-cruiser no-circular)", () => {
  it("fires on a planted two-file loop of value imports, naming both files", async () => {
    const dir = await plant({
      "app/a.ts": 'import { b } from "./b.js";\nexport const a = () => b();\n',
      "app/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
    });
    const { code, out } = await check(dir, ["app"]);
    expect(code).not.toBe(0);
    expect(out).toMatch(/error no-circular: app\/(a|b)\.ts/);
    expect(out).toContain("app/a.ts");
    expect(out).toContain("app/b.ts");
  });

  it("fires on a loop made only of `import type`", async () => {
    const dir = await plant({
      "app/deps.ts": 'import type { Settings } from "./portal/mount.js";\nexport interface Deps { readonly portal?: Settings }\n',
      "app/portal/mount.ts":
        'import type { Deps } from "../deps.js";\nexport interface Settings { readonly deps?: Deps }\nexport const mount = (deps: Deps) => deps;\n',
    });
    const { code, out } = await check(dir, ["app"]);
    expect(code).not.toBe(0);
    expect(out).toMatch(/error no-circular: app\/(deps|portal\/mount)\.ts/);
    expect(out).toContain("app/portal/mount.ts");
  });

  it("passes the same files once the shared type moved to a leaf module", async () => {
    const dir = await plant({
      "app/deps.ts": 'import type { Settings } from "./portal/ports.js";\nexport interface Deps { readonly portal?: Settings }\n',
      "app/portal/ports.ts": "export interface Settings { readonly publicUrl?: string }\n",
      "app/portal/mount.ts": 'import type { Deps } from "../deps.js";\nexport const mount = (deps: Deps) => deps;\n',
    });
    const { code, out } = await check(dir, ["app"]);
    expect(out).not.toContain("no-circular");
    expect(code).toBe(0);
  });

  it("covers every source folder and passes on the real tree", async () => {
    const args = await scriptArgs();
    expect(args.filter((a) => !a.startsWith("-") && !a.endsWith(".js")).sort()).toEqual([...SOURCE_FOLDERS].sort());
    const { code, out } = await check(ROOT, SOURCE_FOLDERS);
    expect(out).toContain("no dependency violations found");
    expect(code).toBe(0);
  }, 60_000);
});
