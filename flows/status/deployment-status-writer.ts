/**
 * Posts one rollout's deployment statuses on the app repository: on the deployment the release
 * flow created (or the one found by ref, environment and payload, or a new one), one status each
 * time the rollout's signal changes.
 */
import type { GitHub } from "../../adapters/github/types.js";
import type { HealthSignal } from "../../core/status/deployment-signals.js";
import { parseRepoRef } from "../../adapters/github/types.js";
import { ensureDeployment, postSignal, type RolloutDeployment, type StatusLinks } from "./deployments.js";

/** The app repository commit whose deployment gets the statuses. */
export interface DeployedCommit {
  /** `owner/name`. */
  readonly repo: string;
  readonly sha: string;
  /** The deployment the release flow created. @default found by ref, environment and payload, or created */
  readonly deploymentId?: number | undefined;
}

/** Keeps the deployment status of one rollout in step with its signal. */
export class DeploymentStatusWriter {
  private deploymentId: number | undefined;
  private posted: HealthSignal | undefined;

  constructor(
    private readonly github: GitHub,
    private readonly commit: DeployedCommit,
    private readonly deployment: Omit<RolloutDeployment, "sha">,
  ) {
    this.deploymentId = commit.deploymentId;
  }

  /** Posts `signal` with `text` unless it is the signal last posted. Throws when GitHub fails (the next call tries again). */
  async write(signal: HealthSignal, text: string, links: StatusLinks): Promise<void> {
    if (signal === this.posted) return;
    const repo = parseRepoRef(this.commit.repo);
    this.deploymentId ??= await ensureDeployment(this.github, repo, { ...this.deployment, sha: this.commit.sha });
    await postSignal(this.github, repo, this.deploymentId, signal, text, links);
    this.posted = signal;
  }
}
