/** Temporary platform and app checkouts on disk, and an in-process CLI runner. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { main } from "../../cli/main.js";

export const PLATFORM_YAML = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata:
  name: acme
spec:
  projects:
    - name: shop
      repos: [acme/shop-api, acme/shop-web]
    - name: pay
      repos: [acme/pay]
  environments:
    - name: dev
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
    - name: prod
      production: true
      gitops: {repo: acme/gitops-prod, branch: main, path: environments/prod}
  pipeline:
    - from: dev
      to: [prod]
`;

export const API_YAML = `apiVersion: ferry.dev/v1alpha1
kind: Component
metadata:
  name: api
  project: shop
spec:
  type: service
  container:
    image: ghcr.io/acme/api:1.0.0
    resources: {cpu: 100m, memory: 128Mi}
    probes:
      readiness: {httpGet: {path: /healthz, port: http}}
  endpoints:
    http: {type: HTTP, port: 8080}
  environments:
    prod: {replicas: 2}
`;

/** A scratch directory with a platform checkout and app checkouts, removed by `cleanup()`. */
export class Scratch {
  readonly root = mkdtempSync(join(tmpdir(), "ferry-test-"));

  /** Writes `files` (relative path → content) under `dir` inside the scratch root; returns the dir. */
  write(dir: string, files: Record<string, string | Buffer>): string {
    const base = join(this.root, dir);
    for (const [rel, content] of Object.entries(files)) {
      const abs = join(base, rel);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
    return base;
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ferry ...args` in-process. */
export async function runCli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}
