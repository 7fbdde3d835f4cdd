/**
 * The GitOps half of the reconcile pass's reads (core/reconcile/survey.ts): an environment's
 * files and history through a git reader (the app's GitOps port, or adapters/git itself).
 */
import type { Environment } from "../../renderers/model/index.js";
import type { GitTarget } from "../../core/gitops/request.js";
import type { ReconcileReads } from "../../core/reconcile/survey.js";

/** How GitOps repositories are read (the app's GitOps port fits). */
export interface GitopsReader {
  readFiles(request: { readonly target: GitTarget; readonly paths: readonly string[]; readonly cacheDir: string }): Promise<ReadonlyMap<string, string>>;
  readHistory(request: {
    readonly target: GitTarget;
    readonly path: string;
    readonly limit?: number;
    readonly cacheDir: string;
  }): Promise<readonly { readonly trailers: Readonly<Record<string, readonly string[]>> }[]>;
}

/** Commits of a component's directory read per environment for "ran before". */
const HISTORY_LIMIT = 50;

export function gitopsEnvironmentReads(
  reader: GitopsReader,
  targetFor: (env: Environment) => Promise<GitTarget>,
  cacheDir: string,
): Pick<ReconcileReads, "environmentFiles" | "environmentHistory"> {
  return {
    environmentFiles: async (env, paths) => reader.readFiles({ target: await targetFor(env), paths, cacheDir }),
    environmentHistory: async (env, path) => reader.readHistory({ target: await targetFor(env), path, limit: HISTORY_LIMIT, cacheDir }),
  };
}
