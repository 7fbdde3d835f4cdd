/** Disk I/O for the CLI: reading `.ferry/` trees, finding app checkouts, writing output atomically. */
import { existsSync, readdirSync, statSync, openSync, readSync, closeSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { DEFAULT_YAML_LIMITS } from "../../renderers/yaml.js";

/** Reads at most `max + 1` bytes, so an oversized file is seen as oversized without loading it. */
function readCapped(path: string, max: number): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(max + 1);
    let total = 0;
    while (total < buf.length) {
      const n = readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
    }
    return buf.subarray(0, total).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/**
 * The YAML files under `<dir>/.ferry` (recursively, symlinks not followed), keyed by
 * repository-relative POSIX path.
 */
export function readFerryFiles(dir: string, maxBytes = DEFAULT_YAML_LIMITS.maxBytes): Map<string, string> {
  const files = new Map<string, string>();
  const root = join(dir, ".ferry");
  if (!existsSync(root)) return files;
  const walk = (abs: string, depth: number) => {
    if (depth > 4) return;
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(abs, entry.name);
      if (entry.isDirectory()) walk(p, depth + 1);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) {
        files.set(relative(dir, p).split(sep).join("/"), readCapped(p, maxBytes));
      }
    }
  };
  walk(root, 0);
  return files;
}

/** An app checkout given on the command line, or found below one. */
export interface AppDir {
  readonly dir: string;
  readonly repo: string;
}

/**
 * Expands the APP_DIR arguments: a directory with `.ferry/` is an app; one without stands for
 * the apps up to two levels below it.
 */
export function findAppDirs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    if (existsSync(join(arg, ".ferry"))) {
      out.push(arg);
      continue;
    }
    if (!existsSync(arg) || !statSync(arg).isDirectory()) throw new Error(`${arg}: no such directory`);
    const found: string[] = [];
    for (const a of subdirs(arg)) {
      if (existsSync(join(a, ".ferry"))) found.push(a);
      else for (const b of subdirs(a)) if (existsSync(join(b, ".ferry"))) found.push(b);
    }
    if (found.length === 0) throw new Error(`${arg}: no .ferry/ directory in it or up to two levels below`);
    out.push(...found);
  }
  return out;
}

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules")
    .map((e) => join(dir, e.name))
    .sort();
}

/**
 * `owner/name` of an app checkout: `--repo` when given, else the `origin` remote of its git
 * checkout, else its last two path segments.
 */
export function repoOf(dir: string, explicit?: string): string {
  if (explicit) return explicit;
  const origin = originRemote(dir);
  if (origin) return origin;
  const abs = resolve(dir);
  return `${basename(dirname(abs))}/${basename(abs)}`;
}

function originRemote(dir: string): string | undefined {
  const config = join(dir, ".git", "config");
  if (!existsSync(config)) return undefined;
  const text = readFileSync(config, "utf8");
  const section = /\[remote "origin"\]([^[]*)/.exec(text)?.[1];
  const url = section ? /^\s*url\s*=\s*(.+)$/m.exec(section)?.[1]?.trim() : undefined;
  if (!url) return undefined;
  const m = /[:/]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** Reads every regular file under `dir` (relative POSIX path → text), for diffs. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name === ".git" || entry.name === MARKER) continue;
      const p = join(abs, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) out.set(relative(dir, p).split(sep).join("/"), readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

/** Marks a directory as Ferry's output, so `--out` never replaces a directory Ferry did not write. */
export const MARKER = ".ferry-output";

/** How many files are written at once: enough to keep the disk busy, few enough to stay well under the open-file limit. */
const WRITE_CONCURRENCY = 64;

/**
 * Replaces `out` with `files` in one step: everything is written to a sibling temporary
 * directory first (each directory created once, files written concurrently), then swapped in by
 * rename, so a failure leaves the old output untouched.
 */
export async function writeOutputTree(out: string, files: ReadonlyMap<string, string>): Promise<void> {
  const target = resolve(out);
  if (existsSync(target)) {
    const entries = readdirSync(target);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new Error(`${out} exists and was not written by ferry (no ${MARKER} in it); choose an empty or new directory`);
    }
  }
  const tmp = `${target}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  try {
    const writes: (readonly [string, string])[] = [[join(tmp, MARKER), "This directory is written by `ferry render` and replaced on every run.\n"]];
    for (const [path, content] of files) writes.push([join(tmp, ...path.split("/")), content]);
    await mkdir(tmp, { recursive: true });
    for (const dir of leafDirectories(writes.map(([abs]) => dirname(abs)))) await mkdir(dir, { recursive: true });
    await writeAll(writes);
    const old = `${target}.old-${process.pid}`;
    if (existsSync(target)) await rename(target, old);
    await rename(tmp, target);
    await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The directories that are not a parent of another one: creating these recursively creates all. */
function leafDirectories(dirs: readonly string[]): string[] {
  const unique = [...new Set(dirs)].sort();
  return unique.filter((d, i) => !(unique[i + 1]?.startsWith(d + sep) ?? false));
}

/**
 * Writes every (path, content) pair with at most WRITE_CONCURRENCY writes in flight. After a
 * failure no new write starts, and it returns only once none is in flight, so the caller's
 * clean-up never races a write.
 */
async function writeAll(writes: readonly (readonly [string, string])[]): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < writes.length) {
      const [abs, content] = writes[next++]!;
      try {
        await writeFile(abs, content);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(WRITE_CONCURRENCY, writes.length) }, worker));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (rejected) throw rejected.reason;
}
