/**
 * Writes one rollout's report on GitHub: the status comment on its pull request, or on its commit
 * when it has none (status-comment-writer.ts), and the deployment statuses on the app repository
 * (deployment-status-writer.ts). Each write is made from the watch's state and the latest reading;
 * a failed write is told to `onError` and answered with false, for the caller to retry.
 */
import type { GitHub } from "../../adapters/github/types.js";
import type { ComponentKey } from "../../core/status/components.js";
import type { Diagnosis } from "../../core/status/diagnose.js";
import type { ComponentHealth } from "../../core/status/health.js";
import { isSettled, rolloutSignal, rolloutSignalText, verifyingSignalText, type RolloutLimits, type WatchOutcome } from "../../core/status/rollout-decision.js";
import type { ObservabilityLinks } from "../../core/signals/links.js";
import type { SignalsReport } from "../../core/signals/report.js";
import type { StatusCommentInput } from "../../presentation/markdown/status-comment.js";
import type { CausesDiagnosis } from "../../core/diagnosis/model.js";
import { DeploymentStatusWriter } from "./deployment-status-writer.js";
import { StatusCommentWriter } from "./status-comment-writer.js";
import type { CommentSink } from "./cluster-status-comment.js";
import type { WatchRequest } from "./watch-request.js";

/** Which write failed. */
export type WriteStep = "comment" | "deployment";

/** Where the watch stands, as the report shows it (beside the latest health and diagnosis). */
export interface RolloutState {
  /** How the watch ended, once decided. */
  readonly outcome?: WatchOutcome | undefined;
  /** Since when the rollout has been Degraded. */
  readonly degradedSince?: Date | undefined;
  /** When the outcome was decided, and since when (Healthy, Degraded or watched); set for settled watches. */
  readonly final?: { readonly settledAt: Date; readonly since: Date } | undefined;
  /** The release that took the watch over. */
  readonly supersededBy?: string | undefined;
}

/** Options of {@link RolloutWriter}. */
export interface RolloutWriterOptions extends RolloutLimits {
  /** The rollout's component and environment. */
  readonly key: ComponentKey;
  /** The kubeconfig context of the environment (shown in the comment). */
  readonly context: string;
  /** Whether the environment is a production one (the deployment's `production_environment`). */
  readonly production: boolean;
  /** `environment_url` of the deployment statuses. */
  readonly environmentUrl: (request: WatchRequest) => string | undefined;
  /**
   * The `verify.duration` of the pipeline step into the environment, when it has `verify`: a Healthy
   * settle is then posted as `Verifying:` (in_progress), the verification posts the verdict.
   * @default none: Healthy is posted as `Healthy:` (success)
   */
  readonly verifyDuration?: string | undefined;
  /** Told of every failed write. */
  readonly onError: (step: WriteStep, error: unknown) => void;
  /** Where the status comment goes. @default its own comment on the request's pull request or commit */
  readonly comment?: CommentSink | undefined;
}

/** Keeps the status comment and the deployment status of one watched rollout up to date. */
export class RolloutWriter {
  private readonly comment: CommentSink | undefined;
  private readonly deployment: DeploymentStatusWriter | undefined;
  /** The comment last written (without signals), for {@link writeSignals}. */
  private lastComment: Omit<StatusCommentInput, "updatedAt"> | undefined;
  /** The verification's report shown in the comment, kept in every later write. */
  private verification:
    { readonly report: SignalsReport; readonly links: ObservabilityLinks | undefined; readonly causes: CausesDiagnosis | undefined } | undefined;

  constructor(
    github: GitHub,
    private readonly request: WatchRequest,
    private readonly options: RolloutWriterOptions,
  ) {
    this.comment = options.comment
      ? options.comment
      : request.pr
        ? new StatusCommentWriter(github, request.pr)
        : request.commit
          ? new StatusCommentWriter(github, request.commit)
          : undefined;
    this.deployment = request.appRepo
      ? new DeploymentStatusWriter(github, request.appRepo, { ...options.key, release: request.release, production: options.production })
      : undefined;
  }

  /** Whether the rollout gets a status comment (the request names a pull request or a commit). */
  get hasComment(): boolean {
    return this.comment !== undefined;
  }

  /** The status comment's URL, once written. */
  get commentUrl(): string | undefined {
    return this.comment?.url;
  }

  /**
   * Writes the comment (when its content changed; not at all with `what.comment` false) and the
   * deployment status (when the signal of `state.outcome` changed). False when a write failed.
   */
  async write(state: RolloutState, health: ComponentHealth, diagnosis: Diagnosis, now: Date, what: { comment: boolean } = { comment: true }): Promise<boolean> {
    let ok = true;
    if (this.comment && what.comment) {
      try {
        this.lastComment = this.commentInput(state, health, diagnosis);
        await this.comment.write({ ...this.lastComment, ...this.signalsOf() }, now);
      } catch (error) {
        ok = false;
        this.options.onError("comment", error);
      }
    }
    const rollout = rolloutSignal(state.outcome);
    const verifyDuration = rollout === "healthy" ? this.options.verifyDuration : undefined;
    if (this.deployment && rollout) {
      try {
        const what = { release: this.request.release, environment: this.options.key.environment, supersededBy: state.supersededBy };
        const signal = verifyDuration !== undefined ? "verifying" : rollout;
        const text = verifyDuration !== undefined ? verifyingSignalText(what, health, verifyDuration) : rolloutSignalText(rollout, what, health);
        await this.deployment.write(signal, text, { logUrl: this.comment?.url, environmentUrl: this.options.environmentUrl(this.request) });
      } catch (error) {
        ok = false;
        this.options.onError("deployment", error);
      }
    }
    return ok;
  }

  /**
   * Rewrites the last comment with the verification's `report` (and the platform's `links`) as its
   * Signals section: same comment, edited only when its content changed. Nothing when the rollout
   * has no comment or none was written yet. A failed verification also shows its likely causes
   * (`causes`, gathered once by flows/diagnosis), in this and every later write. False when the write failed.
   */
  async writeSignals(report: SignalsReport, links: ObservabilityLinks | undefined, now: Date, causes?: CausesDiagnosis): Promise<boolean> {
    this.verification = { report, links, causes };
    if (!this.comment || !this.lastComment) return true;
    try {
      await this.comment.write({ ...this.lastComment, ...this.signalsOf() }, now);
      return true;
    } catch (error) {
      this.options.onError("comment", error);
      return false;
    }
  }

  /** The verification's Signals section and, when it failed, its likely causes. */
  private signalsOf(): Pick<StatusCommentInput, "signals" | "links" | "causes"> {
    if (!this.verification) return {};
    const { report, links } = this.verification;
    const causes = report.verdict === "failed" ? this.verification.causes : undefined;
    return { signals: report, ...(links ? { links } : {}), ...(causes ? { causes } : {}) };
  }

  private commentInput(state: RolloutState, health: ComponentHealth, diagnosis: Diagnosis): Omit<StatusCommentInput, "updatedAt"> {
    const settled = state.final && isSettled(state.outcome ?? "cancelled");
    return {
      key: this.options.key,
      context: this.options.context,
      release: this.request.release,
      health,
      diagnosis,
      startedAt: this.request.startedAt,
      degradedSettleMs: this.options.degradedSettleMs,
      maxWatchMs: this.options.maxWatchMs,
      ...(state.degradedSince ? { degradedSince: state.degradedSince } : {}),
      ...(state.outcome && state.outcome !== "cancelled" ? { outcome: state.outcome } : {}),
      ...(settled && state.final ? { settledAt: state.final.settledAt } : {}),
      ...(state.outcome === "healthy" && state.final ? { healthySince: state.final.since } : {}),
      ...(state.supersededBy ? { supersededBy: state.supersededBy } : {}),
    };
  }
}
