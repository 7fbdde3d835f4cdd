/**
 * Runs a scene of test/load/ under plain node against the compiled product in dist/, as the app
 * runs in production (`node dist/app/main.js`): the scene file and the test/ files it imports are
 * transpiled (TypeScript's `transpileModule`, types erased, nothing else changed) into a temporary
 * directory under .cache/, and each import of a product module is pointed at its compiled twin in dist/. No
 * tsx, no loader hooks, no source maps in the measured process.
 *
 * dist/ must be there and current: `npm run build` first (as bench/cli.ts asks); a product source
 * newer than the build is an error, not a silent measurement of old code.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";

/** The directories `npm run build` compiles (tsconfig.build.json's `include`). */
function productDirs(root: string): string[] {
  const config = JSON.parse(readFileSync(join(root, "tsconfig.build.json"), "utf8")) as { include: string[] };
  return config.include;
}

function newestSource(dir: string): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".test.ts")) continue;
    const file = join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(file);
    if (!newest || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  }
  return newest;
}

/** Throws unless dist/ holds a build at least as new as every product source. */
export function assertDistCurrent(root: string): void {
  const marker = join(root, "dist/app/main.js");
  let built: number;
  try {
    built = statSync(marker).mtimeMs;
  } catch {
    throw new Error("dist/ is missing: run `npm run build` first");
  }
  for (const dir of productDirs(root)) {
    const newest = newestSource(join(root, dir));
    if (newest && newest.mtimeMs > built) throw new Error(`dist/ is older than ${relative(root, newest.file)}: run \`npm run build\` first`);
  }
}

/**
 * Transpiles `entry` (a .ts file under `root`/test) and the test/ files it imports into a fresh
 * temporary directory, product imports pointed at dist/. Returns the compiled entry and a cleanup.
 */
export function compileAgainstDist(root: string, entry: string): { file: string; cleanup: () => void } {
  assertDistCurrent(root);
  // Inside the checkout (.cache/ is ignored by git), so the bare imports resolve in its node_modules as dist/'s do.
  mkdirSync(join(root, ".cache"), { recursive: true });
  const out = mkdtempSync(join(root, ".cache", "scene-"));
  const testDir = join(root, "test");
  const done = new Set<string>();
  const compile = (source: string): string => {
    const target = join(out, relative(root, source)).replace(/\.ts$/, ".mjs");
    if (done.has(source)) return target;
    done.add(source);
    const js = ts.transpileModule(readFileSync(source, "utf8"), {
      fileName: source,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023, verbatimModuleSyntax: true },
    }).outputText;
    const rewritten = js.replace(/(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)"(\.{1,2}\/[^"]+)\.js"/g, (_, lead: string, spec: string) => {
      const imported = resolve(dirname(source), `${spec}.ts`);
      const url = imported.startsWith(testDir + "/")
        ? pathToFileURL(compile(imported)).href
        : pathToFileURL(join(root, "dist", relative(root, imported)).replace(/\.ts$/, ".js")).href;
      return `${lead}"${url}"`;
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, rewritten);
    return target;
  };
  const file = compile(resolve(root, entry));
  return { file, cleanup: () => rmSync(out, { recursive: true, force: true }) };
}
