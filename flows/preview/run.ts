/**
 * Preview on an app pull request: the `Ferry / validate` check on its head and one upserted
 * comment showing, per environment, what would change. Nothing is ever published from here, so
 * pull requests from forks are previewed too; their comment carries no text read from the GitOps
 * repositories (presentation/markdown/preview.ts: the pull request's own render and summaries only).
 */
import { declaredKeys, parseApp } from "../../renderers/apps.js";
import { CelEngine } from "../../renderers/cel.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { hasErrors } from "../../renderers/diagnostics.js";
import type { FileMap } from "../../renderers/load.js";
import { commentMarker } from "../../core/comments/markers.js";
import { splitMarkdown } from "../../presentation/markdown/split.js";
import { upsertComment, writtenByBot } from "../../adapters/github/comments.js";
import type { ListedComment, UpsertResult } from "../../adapters/github/comments.js";
import type { FlowServices } from "../services.js";
import { planAnnotations } from "../../core/checks/annotations.js";
import { completeCheckRun, failCheckOnError, startCheckRun, VALIDATE_CHECK } from "../../adapters/github/checks.js";
import { readFolder } from "../../adapters/github/files.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { fullName, sameRepo } from "../../adapters/github/types.js";
import { readEnvironment } from "../../adapters/git/environment.js";
import { TargetResolver } from "../../adapters/github/gitops-targets.js";
import { checkAppInputs, declaredComponents, readAppFiles } from "../release/inputs.js";
import { failureReport } from "../../presentation/markdown/release-check.js";
import { catalogFromReleases } from "../../core/release/state.js";
import { previewMarkdown } from "../../presentation/markdown/preview.js";
import type { Detail } from "../../presentation/markdown/preview.js";
import { buildPreview } from "../../core/preview/model.js";
import { impactErrors, withImpact } from "../../core/preview/impact.js";
import { locatorFor } from "../../renderers/apps.js";
import type { Preview } from "../../core/preview/model.js";
import type { PreviewEnvironmentStatus } from "../../core/preview-env/status.js";
import { syncPreviewEnvironment } from "../preview-env/run.js";

/** The comment key: `<!-- ferry:preview -->`, `<!-- ferry:preview:2 -->`, ... */
export const PREVIEW_KEY = "preview";

/** More parts than this and the comment shows changed files instead of diffs. */
export const MAX_PREVIEW_PARTS = 5;

/** One preview run. */
export interface PreviewRequest {
  readonly octokit: GitHub;
  /** The base repository (where the comment and check go). */
  readonly repo: RepoRef;
  /** The repository the head commit comes from (a fork, or the base repository); undefined when it is gone (a deleted fork). */
  readonly headRepo: RepoRef | undefined;
  readonly number: number;
  readonly headSha: string;
  readonly baseSha: string;
  /** The pull request's labels (`ferry:preview` asks for a preview environment). @default none */
  readonly labels?: readonly string[];
  /** Remove the pull request's preview environment, saying why (closed, merged). @default keep it up to date */
  readonly removePreview?: string;
  /**
   * Only bring the comment (and the preview environment) up to date, leaving the `Ferry / validate`
   * check alone: the reconcile pass reading a preview's rollout again, or removing it. @default false
   */
  readonly refresh?: boolean;
}

/** What a preview run did. */
export interface PreviewOutcome {
  readonly conclusion: "success" | "failure";
  readonly diagnostics: readonly Diagnostic[];
  readonly preview: Preview | undefined;
  readonly parts: readonly string[];
  readonly comment: UpsertResult;
  /** What happened to the preview environment; undefined when the platform has none. */
  readonly environment: PreviewEnvironmentStatus | undefined;
}

type PreviewDeps = Pick<FlowServices, "clock" | "gitops" | "cacheDir" | "logger" | "platformRepo" | "platforms" | "builtins" | "botLogin" | "appId" | "health">;

/** The comment's parts: full diffs when they fit in a few comments, else the summary. */
export function previewParts(build: (detail: Detail) => string, maxParts = MAX_PREVIEW_PARTS, limit?: number): string[] {
  const split = (text: string) => splitMarkdown(text, { header: (n) => commentMarker(PREVIEW_KEY, n), ...(limit ? { limit } : {}) });
  const full = split(build("full"));
  return full.length <= maxParts ? full : split(build("summary"));
}

/**
 * The head commit's `.ferry/`: read through the base repository (GitHub serves a fork's pull
 * request commits there), falling back to the head repository.
 */
async function readHeadFiles(req: PreviewRequest, diagnostics: Diagnostic[]): Promise<FileMap> {
  if (!req.headRepo || sameRepo(req.headRepo, req.repo)) return readAppFiles(req.octokit, req.repo, req.headSha, diagnostics);
  try {
    return (await readFolder(req.octokit, req.repo, req.headSha, ".ferry", diagnostics)).files;
  } catch {
    return readAppFiles(req.octokit, req.headRepo, req.headSha, diagnostics);
  }
}

/** Whether the head comes from another repository than the base (a deleted fork counts as a fork). */
const fromFork = (req: PreviewRequest) => !req.headRepo || !sameRepo(req.headRepo, req.repo);

/** Runs a preview; see the module comment. */
export async function runPreview(req: PreviewRequest, deps: PreviewDeps): Promise<PreviewOutcome> {
  const source = `${req.headRepo ? fullName(req.headRepo) : "(deleted fork)"}@${req.headSha}`;
  if (req.refresh) return previewRun(req, deps, source, undefined);
  const checkRunId = await startCheckRun(
    req.octokit,
    { ...req.repo, head_sha: req.headSha, name: VALIDATE_CHECK, appId: await deps.appId() },
    deps.clock(),
    {
      title: "Validating",
      summary: `Checking \`.ferry/\` of \`${source}\` against the platform.`,
    },
    { reuse: true },
  );
  return failCheckOnError(req.octokit, req.repo, checkRunId, deps.clock, () => previewRun(req, deps, source, checkRunId));
}

/** The preview itself; the check run `checkRunId` completed with its result, when there is one. */
async function previewRun(req: PreviewRequest, deps: PreviewDeps, source: string, checkRunId: number | undefined): Promise<PreviewOutcome> {
  const { octokit, repo } = req;
  const platform = await deps.platforms.read(octokit, deps.platformRepo, deps.builtins);
  const diagnostics: Diagnostic[] = [...platform.diagnostics];
  const headFiles = await readHeadFiles(req, diagnostics);
  let preview: Preview | undefined;
  let environment: PreviewEnvironmentStatus | undefined;
  let files: ReadonlySet<string> = new Set(headFiles.keys());
  if (platform.bundle) {
    const bundle = platform.bundle;
    const resolver = new TargetResolver(octokit);
    const snapshots = await Promise.all(
      bundle.platform.spec.environments.map(async (env) => readEnvironment(deps.gitops, await resolver.resolve(env), deps.cacheDir)),
    );
    const known = catalogFromReleases(snapshots.map((s) => s.releaseFiles));
    const head = parseApp({ repo: fullName(repo), root: "", files: headFiles, sha: req.headSha }, diagnostics);
    const app = checkAppInputs(bundle, head, known, diagnostics);
    files = app.files;
    const baseFiles = await readAppFiles(octokit, repo, req.baseSha, []);
    const now = new Set(app.components.map((c) => `${c.release.metadata.project}/${c.release.metadata.component}`));
    const declaredNow = declaredKeys(bundle.platform, head);
    // A component that is still declared but invalid is not "removed".
    const removed = [...declaredComponents(bundle, repo, baseFiles)].filter((k) => !now.has(k) && !declaredNow.has(k));
    preview = buildPreview({
      bundle,
      components: app.components,
      removed,
      environments: snapshots.map((s) => ({ env: s.target.env, state: s.state })),
      catalog: app.catalog,
      cel: new CelEngine(),
    });
    // Dependency impact: the environments' release snapshots hold the other repositories' consumers.
    preview = withImpact(preview, {
      releaseFiles: new Map(snapshots.map((s) => [s.target.env.name, s.releaseFiles])),
      repo: fullName(repo),
      ours: new Set([...declaredNow, ...declaredComponents(bundle, repo, baseFiles)]),
      head: head.components
        .filter((c) => declaredNow.has(`${c.value.metadata.project}/${c.value.metadata.name}`))
        .map((c) => ({ component: c.value, repo: fullName(repo), locate: locatorFor(c.source) })),
    });
    for (const env of preview.environments) for (const c of env.components) diagnostics.push(...c.diagnostics);
    diagnostics.push(...impactErrors(preview));
    try {
      environment = await syncPreviewEnvironment(
        {
          bundle,
          pull: { repo: fullName(repo), number: req.number, headSha: req.headSha, fork: fromFork(req), labels: req.labels ?? [] },
          components: app.components,
          catalog: app.catalog,
          cel: new CelEngine(),
          preview,
          failed: hasErrors(diagnostics),
          ...(req.removePreview !== undefined ? { remove: req.removePreview } : {}),
          resolve: (env) => resolver.resolve(env),
        },
        deps,
      );
    } catch (e) {
      deps.logger.error({ err: e, pull: req.number }, "preview environment failed");
      // The comment is public: the error (which may name a repository URL) stays in the log.
      environment = { kind: "failed", error: "publishing to the GitOps repository failed; Ferry's log has the details" };
    }
  }
  const header = { source, platform: platform.source, fork: fromFork(req), diagnostics, ...(environment ? { environment } : {}) };
  const parts = previewParts((detail) => previewMarkdown(preview ?? { environments: [] }, header, detail));
  const login = await deps.botLogin();
  const isOurs = login ? (c: ListedComment) => c.user?.login === login : writtenByBot;
  const comment = await upsertComment(octokit, { ...repo, issue_number: req.number }, PREVIEW_KEY, parts, { isOurs });

  const annotations = planAnnotations(diagnostics, files);
  const failed = hasErrors(diagnostics);
  if (checkRunId === undefined) {
    // A refresh: the check keeps what the last delivery judged.
  } else if (failed) {
    const report = failureReport(diagnostics, annotations.unlocated, source, "Validation");
    await completeCheckRun(octokit, repo, checkRunId, deps.clock(), {
      conclusion: "failure",
      title: report.title,
      summary: `${report.summary}${comment.url ? `\n\nPreview: ${comment.url}` : ""}`,
      text: report.text,
      annotations: annotations.annotations,
    });
  } else {
    const warnings = diagnostics.length;
    await completeCheckRun(octokit, repo, checkRunId, deps.clock(), {
      conclusion: "success",
      title: warnings ? `Valid, ${warnings} warning(s)` : "Valid",
      summary: `\`.ferry/\` of \`${source}\` is valid for every environment.${comment.url ? ` The preview comment shows what changes: ${comment.url}` : ""}`,
      ...(annotations.unlocated.length ? { text: ["```", ...annotations.unlocated, "```"].join("\n") } : {}),
      annotations: annotations.annotations,
    });
  }
  deps.logger.child({ repo: fullName(repo), pull: req.number }).info({ failed, parts: parts.length }, "preview posted");
  return { conclusion: failed ? "failure" : "success", diagnostics, preview, parts, comment, environment };
}
