/**
 * End-to-end render benchmark: `ferry render` (the built CLI, `node bin/ferry.js`) of a generated
 * org of 1,000 components x 3 environments written to disk, against `kubectl kustomize` of
 * equivalent plain manifests: a base per component (Deployment + Service) and three overlays, each
 * setting a namespace, a label and replicas for every component. Both run in the same bench, on
 * the same machine, in temporary directories removed afterwards.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateOrg } from "./org.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ENVS = ["dev", "staging", "prod"] as const;
const TARGET_FASTER = 20;

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** The generated org as checkouts on disk: `<dir>/platform/.ferry/...` and `<dir>/apps/<owner>/<repo>/.ferry/...`. */
function writeOrg(dir: string, components: number): void {
  const org = generateOrg(components, ENVS);
  for (const [path, text] of org.platformFiles) put(join(dir, "platform", path), text);
  for (const app of org.apps) for (const [path, text] of app.files) put(join(dir, "apps", app.repo, path), text);
}

/** A kustomize tree of the same size: a base per component and one overlay per environment over all bases. */
function writeKustomize(dir: string, components: number): void {
  const names = Array.from({ length: components }, (_, i) => `c${i}`);
  for (const name of names) {
    put(join(dir, "base", name, "kustomization.yaml"), "resources:\n  - deployment.yaml\n  - service.yaml\n");
    put(
      join(dir, "base", name, "deployment.yaml"),
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app.kubernetes.io/name: ${name}}
spec:
  replicas: 1
  selector:
    matchLabels: {app.kubernetes.io/name: ${name}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: ${name}}
    spec:
      containers:
        - name: main
          image: ghcr.io/org/${name}:1.0.0
          ports: [{name: http, containerPort: 8080}]
          env: [{name: LOG_LEVEL, value: info}]
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 128Mi}}
          readinessProbe: {httpGet: {path: /healthz, port: http}}
`,
    );
    put(
      join(dir, "base", name, "service.yaml"),
      `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels: {app.kubernetes.io/name: ${name}}
spec:
  selector: {app.kubernetes.io/name: ${name}}
  ports: [{name: http, port: 80, targetPort: http}]
`,
    );
  }
  for (const env of ENVS) {
    put(
      join(dir, "overlays", env, "kustomization.yaml"),
      `namespace: ${env}
labels:
  - pairs: {ferry.dev/environment: ${env}}
resources:
${names.map((n) => `  - ../../base/${n}`).join("\n")}
replicas:
${names.map((n) => `  - {name: ${n}, count: ${env === "prod" ? 3 : 1}}`).join("\n")}
`,
    );
  }
}

/** Wall time of one command; throws when it fails. */
function time(command: string, args: readonly string[], cwd: string): number {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // the bench runs under tsx; the timed processes must not
  const start = performance.now();
  const run = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${run.status}:\n${run.stderr.slice(0, 2000)}`);
  return ms;
}

export interface E2eBenchResult {
  readonly ferryMs: number;
  readonly kustomizeMs: number;
  /** How many times faster ferry is than kustomize (kustomize / ferry). */
  readonly faster: number;
}

export async function runE2eBench(log: (line: string) => void = console.log, components = 1000): Promise<E2eBenchResult> {
  if (!existsSync(`${ROOT}dist/cli/main.js`)) throw new Error("dist/ is missing: run `npm run build` first");
  if (spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status !== 0) throw new Error("kubectl is not installed");
  const dir = mkdtempSync(join(tmpdir(), "ferry-bench-e2e-"));
  try {
    writeOrg(join(dir, "org"), components);
    writeKustomize(join(dir, "kustomize"), components);
    const ferryArgs = [join(ROOT, "bin/ferry.js"), "render", join(dir, "org", "apps"), "--platform", join(dir, "org", "platform"), "--out", join(dir, "out")];
    time(process.execPath, ferryArgs, ROOT); // warm the file cache (and check it succeeds)
    const ferryMs = time(process.execPath, ferryArgs, ROOT);
    let kustomizeMs = 0;
    const perOverlay: string[] = [];
    for (const env of ENVS) {
      const ms = time("kubectl", ["kustomize", join(dir, "kustomize", "overlays", env)], dir);
      kustomizeMs += ms;
      perOverlay.push(`${env} ${ms.toFixed(0)} ms`);
    }
    const faster = kustomizeMs / ferryMs;
    log(`end-to-end render: ${components.toLocaleString("en-US")} components x 3 environments, one process each, ${availableParallelism()} cores`);
    log(`  ferry render (node bin/ferry.js, writes the tree)  ${ferryMs.toFixed(0).padStart(7)} ms`);
    log(`  kubectl kustomize, 3 overlays (${perOverlay.join(", ")})  ${kustomizeMs.toFixed(0).padStart(7)} ms`);
    log(`  ferry is ${faster.toFixed(2)}x faster (target >= ${TARGET_FASTER}x) ${faster >= TARGET_FASTER ? "holds" : "MISSED"}`);
    return { ferryMs, kustomizeMs, faster };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runE2eBench();
