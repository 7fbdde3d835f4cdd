/**
 * Preview environments (`ferry preview list|remove`, ferry_previews): the previews the platform's
 * `previews.from` environment's GitOps target holds, read from their folders and the commits that
 * wrote them (created and expiring from commit times), and removing one (a commit deleting its folder).
 */
import { homedir } from "node:os";
import { defaultCacheDir } from "../adapters/git/cache.js";
import { defaultGitopsPort, type GitopsPort, type GitopsReader } from "../adapters/git/port.js";
import { readPreviews } from "../adapters/git/previews.js";
import { durationSeconds } from "../renderers/model/index.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { listedPreview, type ListedPreview } from "../core/preview-env/records.js";
import { removePreviewRecord } from "../flows/preview-env/run.js";
import { UsageError } from "./errors.js";
import { cliResolver } from "./gitops-target.js";
import type { EnvironmentVariables } from "./variables.js";

export interface PreviewsInput {
  readonly platform: PlatformBundle;
  /** Overrides of the `from` environment's GitOps target (`--gitops`, `--branch`, `--path`). */
  readonly target: { readonly gitops?: string; readonly branch?: string; readonly path?: string };
  /** Clone cache. @default FERRY_CACHE_DIR, else ~/.cache/ferry */
  readonly cacheDir?: string;
  /** GITHUB_TOKEN and GITHUB_SERVER_URL. */
  readonly variables: EnvironmentVariables;
}

/** One preview as `--json` and ferry_previews give it (core/preview-env/records.ts, shared with the portal). */
export type { ListedPreview };

function fromEnvironment(platform: PlatformBundle) {
  const previews = platform.platform.spec.previews;
  if (!previews) throw new UsageError("the platform has no previews (spec.previews)");
  const env = platform.platform.spec.environments.find((e) => e.name === previews.from);
  if (!env) throw new UsageError(`the previews' environment ${JSON.stringify(previews.from)} is not declared`);
  return { previews, env };
}

/** Every preview, by pull request number; throws UsageError without previews, GitopsError when the target cannot be read. */
export async function listPreviews(input: PreviewsInput, reader: GitopsReader = defaultGitopsPort()): Promise<ListedPreview[]> {
  const { previews, env } = fromEnvironment(input.platform);
  const target = await cliResolver(input.target, { env: input.variables })(env);
  const records = await readPreviews(reader, target.git, input.platform.platform.spec.pricing, input.cacheDir);
  const ttl = durationSeconds(previews.ttl);
  return records.map((r) => listedPreview(r, ttl));
}

/** Removes pull request `pr`'s preview: one commit deleting its folder; `removed: false` when there is none. */
export async function removePreview(
  input: PreviewsInput & { readonly pr: number },
  port: GitopsPort = defaultGitopsPort(),
): Promise<{ removed: boolean; commit?: string }> {
  const { env } = fromEnvironment(input.platform);
  const target = await cliResolver(input.target, { env: input.variables })(env);
  const record = (await readPreviews(port, target.git, input.platform.platform.spec.pricing, input.cacheDir)).find((r) => r.pr === input.pr);
  if (!record) return { removed: false };
  const out = await removePreviewRecord(target, env.name, record, "removed with `ferry preview remove`", {
    gitops: port,
    cacheDir: input.cacheDir ?? defaultCacheDir(input.variables, homedir()),
  });
  return { removed: out.changed, commit: out.commit };
}
