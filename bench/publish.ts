/**
 * Publish benchmark: one component's manifests published with adapters/git `publish` (the code
 * path of `ferry publish` and of the app's release) into a GitOps repository on this machine (a
 * bare repository given by its path, as `ferry publish --target <path>` writes it) holding
 * 10,000 components in each of three environments, against one holding 30. Each publish is a
 * fresh invocation (no cache shared between publishes) and changes a different component.
 * Prints medians and the ratio (target <= 1.5).
 *
 * The repositories are generated with one `git fast-import` each (shared blobs: a few seconds
 * for 150,000 files) and `git fsck` checks them after the publishes.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { publish } from "../adapters/git/publish.js";
import { runGit } from "../scripts/git-http-server.js";
import { componentFiles } from "./git.js";

const run = promisify(execFile);
const ITERATIONS = 15;
const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
const TARGET_RATIO = 1.5;
const SMALL = 30;
const LARGE = 10_000;

/** Component `i` of a repository of `count`: spread over projects of about 50 components. */
function where(count: number, i: number): { project: string; component: string } {
  const projects = Math.max(1, Math.ceil(count / 50));
  return { project: `p${String(i % projects).padStart(3, "0")}`, component: `c${String(i).padStart(5, "0")}` };
}

/**
 * A fast-import stream committing `count` components x the environments on a new `main`. The
 * blobs are shared (one set of component files per environment, written once with marks): what a
 * publish costs depends on the trees on the changed path, not on what the other files hold.
 */
function importStream(count: number): { stream: Buffer; files: number } {
  const parts: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const marks = new Map<string, number>();
  for (const env of ENVIRONMENTS) {
    for (const [name, text] of Object.entries(componentFiles(env, "shared", "component", "1.0.0"))) {
      const mark = marks.size + 1;
      marks.set(`${env}/${name}`, mark);
      parts.push(`blob\nmark :${mark}\n${data(text)}`);
    }
  }
  parts.push(`commit refs/heads/main\ncommitter Bench <bench@example.com> 1700000000 +0000\n${data(`${count} components`)}`);
  let files = 0;
  for (const env of ENVIRONMENTS) {
    for (let i = 0; i < count; i++) {
      const { project, component } = where(count, i);
      for (const name of Object.keys(componentFiles(env, project, component, "1.0.0"))) {
        parts.push(`M 100644 :${marks.get(`${env}/${name}`)} environments/${env}/${project}/${component}/${name}\n`);
        files++;
      }
    }
  }
  parts.push("done\n");
  return { stream: Buffer.from(parts.join(""), "utf8"), files };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

async function createRepo(dir: string, count: number, log: (line: string) => void): Promise<string> {
  const t0 = performance.now();
  await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", dir]);
  const { stream, files } = importStream(count);
  await runGit(dir, ["fast-import", "--quiet", "--done"], stream);
  log(
    `  generated ${count.toLocaleString("en")} components x ${ENVIRONMENTS.length} environments (${files.toLocaleString("en")} files) with git fast-import in ${(performance.now() - t0).toFixed(0)} ms`,
  );
  return dir;
}

/** Times one publish of component `i` (a different one each time, all over the tree). */
async function timePublish(repo: string, count: number, i: number): Promise<number> {
  const n = (i * 7919 + 13) % count;
  const env = ENVIRONMENTS[i % ENVIRONMENTS.length] ?? "dev";
  const { project, component } = where(count, n);
  const tag = `2.0.${i}`;
  const start = performance.now();
  const res = await publish({
    target: { url: repo, branch: "main" },
    changes: [{ dir: `environments/${env}/${project}/${component}`, files: componentFiles(env, project, component, tag), prune: true }],
    message: `${env}: ${project}/${component} ${tag}`,
    trailers: { "Ferry-Environment": env, "Ferry-Release": `bench-${tag}` },
  });
  const ms = performance.now() - start;
  if (!res.changed || res.attempts !== 1) throw new Error(`bench: publish ${i} into ${repo} did not make exactly one commit`);
  return ms;
}

export interface PublishBenchResult {
  readonly smallMs: number;
  readonly largeMs: number;
  readonly ratio: number;
  readonly held: boolean;
}

export async function runPublishBench(log: (line: string) => void = console.log): Promise<PublishBenchResult> {
  const tmp = await mkdtemp(path.join(tmpdir(), "ferry-bench-publish-"));
  try {
    log(`publish: one component into a local GitOps repository, fresh each time, median of ${ITERATIONS} interleaved, ${availableParallelism()} cores`);
    const small = await createRepo(path.join(tmp, "small.git"), SMALL, log);
    const large = await createRepo(path.join(tmp, "large.git"), LARGE, log);
    await timePublish(small, SMALL, ITERATIONS); // warm the code paths
    await timePublish(large, LARGE, ITERATIONS);
    const times = { small: [] as number[], large: [] as number[] };
    for (let i = 0; i < ITERATIONS; i++) {
      times.small.push(await timePublish(small, SMALL, i));
      times.large.push(await timePublish(large, LARGE, i));
    }
    for (const repo of [small, large]) await run("git", ["--git-dir", repo, "fsck", "--strict", "--no-progress"]);
    const smallMs = median(times.small);
    const largeMs = median(times.large);
    const ratio = largeMs / smallMs;
    log(`  ${SMALL} components:      ${smallMs.toFixed(1).padStart(7)} ms`);
    log(`  ${LARGE.toLocaleString("en")} components:  ${largeMs.toFixed(1).padStart(7)} ms`);
    log(`  10,000 vs 30: ratio ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? "holds" : "MISSED"}`);
    return { smallMs, largeMs, ratio, held: ratio <= TARGET_RATIO };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runPublishBench();
