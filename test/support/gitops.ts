/**
 * Shared set-up of the adapters/git tests: temporary directories that are removed afterwards, and
 * publish requests with the usual Ferry shape.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { GitopsError } from "../../adapters/git/errors.js";
import type { PublishRequest } from "../../adapters/git/schema.js";

/** Temporary directories created by a test file; `cleanup()` in afterAll. */
export function tempDirs(): { make(prefix?: string): Promise<string>; cleanup(): Promise<void> } {
  const made: string[] = [];
  return {
    async make(prefix = "ferry-gitops-") {
      const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** The rendered files of a component, varied by `tag`. */
export function rendered(component: string, tag: string): Record<string, string> {
  return {
    "deployment.yaml": `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${component}\nspec:\n  template:\n    spec:\n      containers:\n        - image: ghcr.io/acme/${component}:${tag}\n`,
    "service.yaml": `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${component}\n`,
  };
}

/** A publish of one component into `environments/<env>/<project>/<component>` with trailers. */
export function componentPublish(
  target: PublishRequest["target"],
  cacheDir: string,
  opts: { env?: string; project?: string; component?: string; tag?: string; files?: Record<string, string> } = {},
): PublishRequest {
  const env = opts.env ?? "dev";
  const project = opts.project ?? "shop";
  const component = opts.component ?? "api";
  const tag = opts.tag ?? "1.0.0";
  return {
    target,
    cacheDir,
    changes: [{ dir: `environments/${env}/${project}/${component}`, files: opts.files ?? rendered(component, tag), prune: true }],
    message: `${env}: ${project}/${component} ${tag}\n\nRelease ${tag} of ${project}/${component}.`,
    trailers: { "Ferry-Release": `r-${tag}`, "Ferry-Source": `acme/${component}@${"a".repeat(40)}`, "Ferry-Environment": env },
  };
}

/** The GitopsError a promise rejects with; fails when it resolves or rejects with anything else. */
export async function failure(p: Promise<unknown>): Promise<GitopsError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GitopsError) return err;
    throw err;
  }
  throw new Error("expected a GitopsError, the call succeeded");
}
