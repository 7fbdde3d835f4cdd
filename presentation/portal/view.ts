/**
 * What the portal's pages show (the view model), gathered by the app (portal/data.ts) and drawn by pages.ts.
 * Pure data: no I/O.
 */
import type { CausesDiagnosis } from "../../core/diagnosis/model.js";
import type { EnvironmentView } from "../../core/environments.js";
import type { ObservabilityLink } from "../../core/signals/links.js";
import type { SignalsReport } from "../../core/signals/report.js";
import type { HealthStatus } from "../../core/status/health.js";

/** Health of one component in one environment, from the cluster (core/status). */
export interface HealthView {
  readonly status: HealthStatus;
  readonly ready?: number;
  readonly desired?: number;
  readonly message?: string;
  /** The diagnosis's findings, one line each. */
  readonly diagnosis: readonly string[];
}

/**
 * A release's signals in one environment: the report (core/signals/report.ts) with when the release
 * landed (the boundary the charts mark) and the platform's links, or why nothing was observed.
 */
export type SignalsView =
  | {
      readonly observed: true;
      readonly report: SignalsReport;
      /** Unix seconds. @default not marked */
      readonly landedAt?: number;
      readonly links: readonly ObservabilityLink[];
      /** The likely causes when the verification failed (core/diagnosis). @default none shown */
      readonly causes?: CausesDiagnosis;
    }
  | { readonly observed: false; readonly reason: string };

/** One gate of an open promotion. */
export interface GateView {
  readonly name: string;
  readonly state: string;
  readonly detail?: string;
}

/** An open promotion (or rollback) pull request. */
export interface PromotionView {
  readonly repo: string;
  readonly number: number;
  readonly url: string;
  readonly project: string;
  readonly component: string;
  readonly environment: string;
  readonly release?: string;
  readonly title: string;
  /** The `Ferry / gates` check's state: success, failure, pending... */
  readonly gatesState: string;
  readonly gates: readonly GateView[];
}

/** One landing of a release in an environment (core/history.ts). */
export interface HistoryRowView {
  readonly release?: string;
  readonly date: Date;
  readonly commit: string;
  readonly commitUrl?: string;
  readonly source?: { readonly repo: string; readonly sha: string; readonly url?: string };
  readonly approvedBy: readonly string[];
  readonly promotedFrom?: string;
}

/** A component in one environment. */
export interface CellView {
  readonly environment: string;
  readonly release?: string;
  /** Since when it runs that release. */
  readonly since?: Date;
  /** Undefined: the environment has no cluster Ferry observes. */
  readonly health?: HealthView;
  readonly promotion?: PromotionView;
  /** Why this environment's files differ from what Ferry would write (drift marks). */
  readonly drift?: string;
  /** Monthly estimate, formatted. */
  readonly cost?: string;
  /** The running release's signals. @default not shown (nothing deployed) */
  readonly signals?: SignalsView;
  readonly history: readonly HistoryRowView[];
}

/** An endpoint of a component. */
export interface EndpointView {
  readonly name: string;
  readonly type: string;
  readonly port: number;
  readonly visibility: readonly string[];
}

/** A component across environments. */
export interface ComponentView {
  readonly project: string;
  readonly component: string;
  readonly type?: string;
  readonly repo?: string;
  readonly endpoints: readonly EndpointView[];
  readonly traits: readonly { readonly type: string; readonly name: string }[];
  readonly dependsOn: readonly string[];
  readonly cells: readonly CellView[];
}

/** Everything a person may see. */
export interface PortalSnapshot {
  readonly login: string;
  readonly environments: readonly EnvironmentView[];
  /** Projects the person can read a repository of, sorted. */
  readonly projects: readonly string[];
  readonly components: readonly ComponentView[];
  readonly promotions: readonly PromotionView[];
}

/** The overview's filters, from the query string. */
export interface OverviewFilter {
  readonly project?: string;
  readonly health?: string;
}
