/**
 * The likely causes of a failed verification, for the rollout's status comment: the evidence
 * gathered once (flows/diagnosis/evidence.ts with the app's ports): the verification's own report,
 * the release's dependencies and their signals from before the landing to the verdict
 * (`dependencySpan`), the cluster as the runtime observes it, the pods' logs. A dependency is
 * named only when the comment's readers see it: the same project, or a project the app
 * repository belongs to as well (the platform's `projects[].repos`).
 */
import type { GitHub } from "../../adapters/github/types.js";
import type { CausesDiagnosis } from "../../core/diagnosis/model.js";
import type { SignalsReport } from "../../core/signals/report.js";
import type { Platform } from "../../renderers/model/index.js";
import { findEnvironment } from "../../renderers/platform.js";
import { appEvidencePorts, dependencySpan, seenFromRepo } from "../diagnosis/app-evidence.js";
import { gatherEvidence } from "../diagnosis/evidence.js";
import { promotionContext } from "../promotion/context.js";
import { RunContext } from "../run-context.js";
import type { ClusterRuntime } from "./cluster-runtime.js";
import type { VerificationDeps } from "./verification-run.js";
import type { SettledEvent } from "./watch-request.js";

/** The causes of the failed verification `report` of the settled rollout `event`; undefined when its environment is not the platform's. */
export async function failedVerificationCauses(
  event: SettledEvent,
  report: SignalsReport,
  octokit: GitHub,
  platform: Platform,
  deps: VerificationDeps,
  runtime: Pick<ClusterRuntime, "observer" | "verification" | "kubeConfig">,
): Promise<CausesDiagnosis | undefined> {
  const environment = findEnvironment(platform, event.environment);
  if (!environment) return undefined;
  const landedAt = Math.floor(event.request.startedAt.getTime() / 1000);
  const repo = event.request.pr?.repo ?? event.request.commit?.repo;
  const seen = seenFromRepo(platform, event.key.project, repo);
  const ports = appEvidencePorts(
    {
      ctx: () => promotionContext(new RunContext(octokit, deps), deps),
      platform,
      environment,
      key: event.key,
      release: event.release,
      span: dependencySpan(report.window, landedAt),
      sees: (project) => seen(project),
      now: () => deps.clock().getTime(),
    },
    {
      observer: runtime.observer,
      prometheusOf: (p, e) => runtime.verification.prometheusOf(p, e, deps.observeSignals),
      kubeConfig: runtime.kubeConfig,
    },
  );
  return gatherEvidence({ key: event.key, report, landedAt }, ports);
}
