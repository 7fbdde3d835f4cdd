/**
 * The Dockerfile's essentials, read from its text (no Docker daemon here): multi-stage on
 * Node 20, the sources compiled to dist/ in the build stage, the final stage with production
 * dependencies only, the compiled output and a non-root numeric user, and every source folder
 * the app and the CLI load compiled by the build.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

interface Instruction {
  readonly op: string;
  readonly args: string;
}

interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** Stages of a Dockerfile: instructions with continuation lines joined, comments dropped. */
function stages(text: string): Stage[] {
  const lines = text.replace(/\\\n\s*/g, " ").split("\n");
  const out: Stage[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [, op = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = op.toUpperCase();
    if (upper === "FROM") {
      const [, from = "", name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      out.push({ from, name, instructions: [] });
    } else {
      const stage = out.at(-1);
      if (!stage) throw new Error(`${upper} before FROM`);
      stage.instructions.push({ op: upper, args });
    }
  }
  return out;
}

/** Top-level folders of the repository that the modules reachable from `entries` live in. */
function sourceFolders(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = normalize(join(dirname(file), m[1]!.replace(/\.js$/, ".ts")));
      if (existsSync(target)) todo.push(target);
    }
  }
  return new Set([...seen].map((f) => relative(".", f).split("/")[0]!));
}

const dockerfile = stages(readFileSync("Dockerfile", "utf8"));
const final = dockerfile.at(-1)!;
const runs = (stage: Stage) => stage.instructions.filter((i) => i.op === "RUN").map((i) => i.args);

describe("Dockerfile", () => {
  it("builds in one stage and runs from another, both on Node 20", () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile) expect(stage.from).toMatch(/^node:20([-.]|$)/);
    expect(runs(dockerfile[0]!).some((r) => /\bnpm ci\b/.test(r) && !r.includes("--omit=dev"))).toBe(true);
    expect(final.instructions.some((i) => i.op === "COPY" && i.args.startsWith(`--from=${dockerfile[0]!.name}`))).toBe(true);
  });

  it("installs no dev dependencies in the final stage", () => {
    const installs = runs(final).filter((r) => /\bnpm (ci|install|i)\b/.test(r));
    expect(installs.length).toBeGreaterThan(0);
    for (const r of installs) expect(r).toMatch(/--omit=dev/);
    // The app runs as compiled JavaScript: tsx, which runs the TypeScript sources, is a development tool.
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain("tsx");
    expect(Object.keys(pkg.devDependencies)).toContain("tsx");
    // `prepare` builds, and needs the sources and TypeScript: the final stage takes dist/ from the build stage instead.
    for (const r of installs) expect(r).toMatch(/--ignore-scripts/);
    expect(final.instructions.filter((i) => i.op === "COPY").some((i) => /node_modules/.test(i.args))).toBe(false);
  });

  it("runs as a numeric non-root user, with node as PID 1 starting the app", () => {
    const users = final.instructions.filter((i) => i.op === "USER").map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.split(":")[0]!;
    expect(user).toMatch(/^[0-9]+$/); // runAsNonRoot in deploy/ can only check a number
    expect(user).not.toBe("0");
    const cmd = final.instructions.filter((i) => i.op === "CMD").at(-1);
    expect(JSON.parse(cmd?.args ?? "[]")).toEqual(["node", "dist/app/main.js"]);
    expect(final.instructions.find((i) => i.op === "ENV")?.args).toMatch(/HOST=0\.0\.0\.0/);
  });

  it("compiles every source folder the app and the CLI load, and copies the build into the final stage", () => {
    expect(runs(dockerfile[0]!).some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    const build = JSON.parse(readFileSync("tsconfig.build.json", "utf8")) as { compilerOptions: { outDir: string }; include: string[] };
    expect(build.compilerOptions.outDir).toBe("dist");
    const needed = sourceFolders(["app/main.ts", "cli/main.ts"]);
    expect(needed).toContain("app");
    expect(needed).toContain("templates");
    expect(needed).toContain("renderers");
    expect(needed).toContain("mcp");
    for (const folder of needed) expect(build.include, folder).toContain(folder);
    const copied = new Set(final.instructions.filter((i) => i.op === "COPY").map((i) => /\/src\/([^/\s]+)\s+\.\/\1$/.exec(i.args)?.[1]));
    expect(copied).toContain("dist");
    expect(copied).toContain("bin");
  });

  it("keeps credentials and local state out of the build context", () => {
    const ignored = readFileSync(".dockerignore", "utf8").split("\n");
    for (const entry of [".env", "*.pem", ".git", "node_modules"]) expect(ignored).toContain(entry);
  });
});
