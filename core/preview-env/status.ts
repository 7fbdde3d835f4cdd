/** What the preview comment says about a pull request's preview environment (data; text in presentation/). */
import type { HealthReport } from "../promotion/health.js";
import type { HealthStatus } from "../status/health.js";
import type { SignalUnit } from "../../renderers/model/index.js";
import type { PreviewComponent, RefusalCode } from "./decide.js";

/** What was observed of one preview component's rollout in its namespace. */
export interface PreviewRollout {
  /** `project/component`. */
  readonly key: string;
  /** NotObserved when the cluster could not be read; Progressing while the pods run another release. */
  readonly status: HealthStatus;
  /** One line: ready replicas and what is wrong, or why nothing was observed. */
  readonly detail: string;
}

/** One signal of one preview component, read from the `from` environment's Prometheus over the last {@link PREVIEW_SIGNAL_WINDOW_SECONDS}. */
export interface PreviewSignal {
  /** `project/component`. */
  readonly key: string;
  readonly name: string;
  readonly unit: SignalUnit;
  /** The value; undefined when it could not be read (`error` says why) or there is no data. */
  readonly value: number | undefined;
  readonly error?: string;
}

/** The window a preview's signals are read over (`${window}`). */
export const PREVIEW_SIGNAL_WINDOW_SECONDS = 300;

export type PreviewEnvironmentStatus =
  | {
      readonly kind: "live";
      readonly from: string;
      /** The cluster of an environment on several that runs the preview (core/gitops/layout.ts `previewCluster`). */
      readonly cluster?: string;
      readonly namespaces: readonly string[];
      readonly components: readonly PreviewComponent[];
      /** Each component's rollout as the health port saw it, by key (sorted as `components`). */
      readonly rollout: readonly PreviewRollout[];
      /** Each component's signals, where it has them and the environment (or its preview cluster) has a Prometheus; none read otherwise. */
      readonly signals: readonly PreviewSignal[];
      readonly monthlyCost: number;
      readonly currency: string;
      /** ISO time after which, without a push, the reconcile pass removes it. */
      readonly expiresAt: string;
      /** The GitOps commit holding it, and whether this run made it. */
      readonly commit: string;
      readonly changed: boolean;
    }
  | { readonly kind: "refused"; readonly code: RefusalCode; readonly reason: string; readonly removed: boolean }
  | { readonly kind: "removed"; readonly reason: string }
  | { readonly kind: "failed"; readonly error: string };

/**
 * One component's rollout from the health of its preview namespace: Healthy only when the ready
 * pods run the preview's release (an earlier push's pods still serving are Progressing), and never
 * more than was observed.
 */
export function previewRollout(component: Pick<PreviewComponent, "key" | "release">, report: HealthReport): PreviewRollout {
  const detail = report.detail ?? "";
  if (report.status === "NotObserved") return { key: component.key, status: "NotObserved", detail: detail || "the cluster is not observed" };
  if (report.status === "Healthy" && report.release !== undefined && report.release !== component.release)
    return {
      key: component.key,
      status: "Progressing",
      detail: `${detail ? `${detail}; ` : ""}the ready pods run ${report.release}, not ${component.release} yet`,
    };
  return { key: component.key, status: report.status, detail };
}
