/**
 * Release on push: cut releases of an app repository's components at a commit and publish them
 * to the pipeline's first environments, reporting on the commit with the `Ferry / release` check
 * and GitHub deployments. I/O happens here; the decisions are in plan.ts and report.ts.
 */
import { CelEngine } from "../../renderers/cel.js";
import type { AppComponent } from "../../renderers/apps.js";
import { diffTrees } from "../../renderers/diff.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { formatDiagnostic, hasErrors, sortDiagnostics } from "../../renderers/diagnostics.js";
import { firstEnvironments } from "../../renderers/platform.js";
import type { FlowServices } from "../services.js";
import { planAnnotations } from "../../core/checks/annotations.js";
import { completeCheckRun, failCheckOnError, RELEASE_CHECK, ReportedError, startCheckRun, updateCheckRun } from "../../adapters/github/checks.js";
import { createDeployment, findDeployment, setDeploymentState } from "../../adapters/github/deployments.js";
import { ensurePullRequest } from "../../adapters/github/pulls.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { fullName } from "../../adapters/github/types.js";
import { RunContext } from "../run-context.js";
import { readEnvironment, type EnvironmentSnapshot } from "../../adapters/git/environment.js";
import type { ResolvedTarget } from "../../adapters/github/gitops-targets.js";
import { declaredComponents, loadAppInputs, readAppFiles } from "./inputs.js";
import { commitContent, planRelease } from "../../core/release/plan.js";
import { serverUrlOf } from "../../adapters/github/gitops-targets.js";
import type { PlanItem, Selection } from "../../core/release/plan.js";
import { failureReport, releaseReport } from "../../presentation/markdown/release-check.js";
import type { ItemResult } from "../../core/release/results.js";
import type { ReleaseReport } from "../../presentation/markdown/release-check.js";
import { catalogFromReleases } from "../../core/release/state.js";

/** What started a release run. */
export type ReleaseTrigger =
  /** A push to the default branch: components waiting for a build check only get validated. */
  | { readonly kind: "push" }
  /** A build check (or workflow) `name` succeeded on the commit: components waiting for it go. */
  | { readonly kind: "check"; readonly name: string };

/** One release run. */
export interface ReleaseRequest {
  readonly octokit: GitHub;
  /** The app repository. */
  readonly repo: RepoRef;
  /** The commit to release. */
  readonly sha: string;
  /** The previous tip of the branch (a push's `before`), to find removed components. */
  readonly before?: string;
  readonly trigger: ReleaseTrigger;
}

/** What a release run did. */
export interface ReleaseOutcome {
  readonly state: ReleaseReport["state"];
  readonly results: readonly ItemResult[];
  readonly diagnostics: readonly Diagnostic[];
  readonly checkRunId: number;
}

/** What the release flow needs of the services. */
export type ReleaseDeps = Pick<FlowServices, "clock" | "gitops" | "cacheDir" | "logger" | "platformRepo" | "platforms" | "builtins" | "appId">;

const ZERO_SHA = /^0+$/;

/** Which components go now and which wait for their build check. */
export function selectFor(trigger: ReleaseTrigger): (c: AppComponent) => Selection {
  return (c) => {
    const wait = c.component.spec.build?.waitForCheck;
    if (wait === undefined) return "release";
    if (trigger.kind === "check" && trigger.name === wait) return "release";
    return { wait };
  };
}

/**
 * Runs a release; see the module comment. Throws (after reporting) when a publish failed. The
 * platform and the GitOps targets come from the delivery's context (read once per delivery).
 */
export async function runRelease(req: ReleaseRequest, deps: ReleaseDeps, delivery: RunContext = new RunContext(req.octokit, deps)): Promise<ReleaseOutcome> {
  const { octokit, repo, sha } = req;
  const source = `${fullName(repo)}@${sha}`;
  const log = deps.logger.child({ repo: fullName(repo), sha, trigger: req.trigger.kind });
  // The reads the release needs start with the check run instead of after it (none of them throws:
  // an unreadable input comes back as a diagnostic); the push's `before` is read to find removed components.
  const reads = {
    platform: delivery.platform(),
    appFiles: (async () => {
      const diagnostics: Diagnostic[] = [];
      return { files: await readAppFiles(octokit, repo, sha, diagnostics), diagnostics };
    })(),
    beforeFiles: req.before && !ZERO_SHA.test(req.before) ? readAppFiles(octokit, repo, req.before, []) : undefined,
  };
  for (const read of [reads.platform, reads.appFiles, reads.beforeFiles]) read?.catch(() => undefined);
  // The check run is started beside the work, not before it: the commit waits for no GitHub write
  // (writes are paced), and reporting waits for the check run.
  const started = deps.appId().then((appId) =>
    startCheckRun(
      octokit,
      { ...repo, head_sha: sha, name: RELEASE_CHECK, appId },
      deps.clock(),
      {
        title: "Releasing",
        summary: `Cutting releases of \`${source}\`.`,
      },
      { reuse: true },
    ),
  );
  started.catch(() => undefined);

  const work = async (): Promise<ReleaseOutcome> => {
    const finishFailed = async (diagnostics: readonly Diagnostic[], files: ReadonlySet<string>): Promise<ReleaseOutcome> => {
      const checkRunId = await started;
      const plan = planAnnotations(diagnostics, files);
      const report = failureReport(diagnostics, plan.unlocated, source, "The release");
      await completeCheckRun(octokit, repo, checkRunId, deps.clock(), {
        conclusion: "failure",
        title: report.title,
        summary: report.summary,
        text: report.text,
        annotations: plan.annotations,
      });
      log.info({ errors: diagnostics.filter((d) => d.severity === "error").length }, "release refused: inputs have errors");
      return { state: "failure", results: [], diagnostics, checkRunId };
    };

    const platform = await reads.platform;
    const diagnostics: Diagnostic[] = [...platform.diagnostics];
    const { files: appFiles, diagnostics: appDiagnostics } = await reads.appFiles;
    diagnostics.push(...appDiagnostics);
    if (!platform.bundle) return finishFailed(diagnostics, new Set(appFiles.keys()));
    const bundle = platform.bundle;

    const { resolver } = delivery;
    const snapshots: EnvironmentSnapshot<ResolvedTarget>[] = await Promise.all(
      firstEnvironments(bundle.platform).map(async (env) => readEnvironment(deps.gitops, await resolver.resolve(env), deps.cacheDir)),
    );
    const known = catalogFromReleases(snapshots.map((s) => s.releaseFiles));
    const app = loadAppInputs(bundle, repo, sha, appFiles, known, diagnostics);

    let removed: string[] = [];
    if (reads.beforeFiles && !hasErrors(diagnostics)) {
      const beforeFiles = await reads.beforeFiles;
      const now = new Set(app.components.map((c) => `${c.release.metadata.project}/${c.release.metadata.component}`));
      removed = [...declaredComponents(bundle, repo, beforeFiles)].filter((k) => !now.has(k));
    }

    const plan = planRelease({
      bundle,
      components: app.components,
      environments: snapshots.map((s) => ({ env: s.target.env, state: s.state })),
      catalog: app.catalog,
      cel: new CelEngine(),
      select: selectFor(req.trigger),
      removed,
    });
    diagnostics.push(...plan.diagnostics);
    if (hasErrors(diagnostics)) return finishFailed(diagnostics, app.files);

    const targets = new Map(snapshots.map((s) => [s.target.env.name, s]));
    const results: ItemResult[] = [];
    for (const item of plan.items) {
      const snapshot = targets.get(item.env.name)!;
      results.push(await execute(item, snapshot, req, deps));
    }
    const warnings = sortDiagnostics(diagnostics.filter((d) => d.severity === "warning")).map(formatDiagnostic);
    const report = releaseReport(results, source, platform.source, warnings);
    const checkRunId = await started;
    if (report.state === "in_progress") {
      await updateCheckRun(octokit, repo, checkRunId, report);
    } else {
      const annotations = planAnnotations(diagnostics, app.files).annotations;
      await completeCheckRun(octokit, repo, checkRunId, deps.clock(), {
        conclusion: report.state,
        title: report.title,
        summary: report.summary,
        text: report.text,
        annotations,
      });
    }
    log.info({ results: results.map((r) => `${r.item.kind}:${r.item.env.name}:${r.status}`) }, "release run finished");
    const failures = results.filter((r) => r.status === "failed");
    if (failures.length > 0) {
      throw new ReportedError(`${failures.length} publish(es) failed for ${source}: ${failures.map((f) => (f.status === "failed" ? f.error : "")).join("; ")}`);
    }
    return { state: report.state, results, diagnostics, checkRunId };
  };
  try {
    return await work();
  } catch (e) {
    // Reported on the check run when it could be started; a check run that could not be started is the error.
    const checkRunId = await started;
    return failCheckOnError(octokit, repo, checkRunId, deps.clock, () => Promise.reject(e));
  }
}

function pullRequestBody(item: Extract<PlanItem, { kind: "publish" | "remove" }>, snapshot: EnvironmentSnapshot<ResolvedTarget>, source: string): string {
  const lines = [`Ferry ${item.kind === "remove" ? "removes" : "releases"} a component in **${item.env.name}**. Merge to apply.`, ""];
  if (item.kind === "publish") {
    const { project, component, name } = item.app.release.metadata;
    const before = snapshot.state.components.get(`${project}/${component}`)?.files ?? new Map<string, string>();
    const diff = diffTrees(before, item.rendered.files);
    lines.push(
      `| | |`,
      `| --- | --- |`,
      `| component | \`${project}/${component}\` |`,
      `| release | \`${name}\`${item.current ? ` (replaces \`${item.current}\`)` : ""} |`,
      `| source | \`${source}\` |`,
      `| manifests | ${diff.added} added, ${diff.changed} changed, ${diff.removed} removed |`,
    );
  } else {
    lines.push(`\`${item.project}/${item.component}\` is no longer declared by \`${source}\`; its manifests are deleted.`);
  }
  return lines.join("\n");
}

/** Finds or creates the GitHub deployment of a publish and marks it in progress; its id. */
async function startDeployment(item: Extract<PlanItem, { kind: "publish" }>, target: ResolvedTarget, req: ReleaseRequest): Promise<number> {
  const { octokit, repo, sha } = req;
  const { project, component, name } = item.app.release.metadata;
  const spec = {
    ref: sha,
    environment: item.env.name,
    production: item.env.production,
    description: `${project}/${component} ${name}`,
    payload: { project, component, release: name, gitops: fullName(target.repo) },
  };
  const deployment = (await findDeployment(octokit, repo, spec)) ?? (await createDeployment(octokit, repo, spec));
  await setDeploymentState(octokit, repo, deployment, "in_progress", `publishing ${name} to ${item.env.name}`);
  return deployment;
}

async function execute(item: PlanItem, snapshot: EnvironmentSnapshot<ResolvedTarget>, req: ReleaseRequest, deps: ReleaseDeps): Promise<ItemResult> {
  if (item.kind === "unchanged") return { item, status: "unchanged" };
  if (item.kind === "waiting") return { item, status: "waiting", check: item.check };
  const { octokit, repo, sha } = req;
  const target: ResolvedTarget = snapshot.target;
  const source = { repo: fullName(repo), sha, serverUrl: serverUrlOf(target) };
  const content = commitContent(item, source);
  let deployment: number | undefined;
  // The deployment is created (and marked in progress) while the commit is made, not before it:
  // the commit waits for no GitHub write. Its later statuses follow once it is there.
  const deploying = item.kind === "publish" ? startDeployment(item, target, req) : undefined;
  deploying?.catch(() => undefined);
  try {
    if (item.mode === "commit") {
      const [out, started] = await Promise.all([
        deps.gitops.publish({
          target: target.git,
          changes: content.changes,
          message: content.message,
          trailers: content.trailers,
          cacheDir: deps.cacheDir,
        }),
        deploying,
      ]);
      deployment = started;
      const url = `${target.htmlUrl}/commit/${out.commit}`;
      if (deployment !== undefined) {
        // A commit is not a rollout: where Ferry watches the cluster, status back reports success once the release runs there.
        const [state, text] =
          item.env.cluster?.context !== undefined
            ? (["in_progress", `committed to ${target.git.branch}; waiting for the cluster`] as const)
            : (["success", `committed to ${target.git.branch}; the cluster is not observed`] as const);
        await setDeploymentState(octokit, repo, deployment, state, text, url);
      }
      return { item, status: "committed", commit: out.commit, url, changed: out.changed };
    }
    const [, started] = await Promise.all([
      deps.gitops.publish({
        target: target.git,
        changes: content.changes,
        message: content.message,
        trailers: content.trailers,
        cacheDir: deps.cacheDir,
        branch: { name: content.branch, from: target.git.branch },
      }),
      deploying,
    ]);
    deployment = started;
    const pr = await ensurePullRequest(octokit, target.repo, {
      head: content.branch,
      base: target.git.branch,
      title: content.title,
      body: pullRequestBody(item, snapshot, `${source.repo}@${sha}`),
    });
    if (deployment !== undefined) await setDeploymentState(octokit, repo, deployment, "in_progress", `waiting for pull request #${pr.number}`, pr.url);
    return { item, status: "pull-request", number: pr.number, url: pr.url, opened: pr.opened };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    deps.logger.error({ err: e, env: item.env.name }, "publishing failed");
    deployment ??= await deploying?.catch(() => undefined);
    if (deployment !== undefined) {
      await setDeploymentState(octokit, repo, deployment, "error", error.slice(0, 140)).catch(() => undefined);
    }
    return { item, status: "failed", error };
  }
}
