/**
 * What the portal's pages show (the view model), gathered by the app (portal/data.ts) and drawn by pages.ts.
 * Pure data: no I/O.
 */
import type { CausesDiagnosis } from "../../core/diagnosis/model.js";
import type { DoraReport } from "../../core/dora/figures.js";
import type { DoraWeek } from "../../core/dora/trend.js";
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

/** A component in one cluster of an environment on several clusters. */
export interface ClusterCellView {
  readonly cluster: string;
  readonly wave: number;
  /** The release the cluster's objects carry. @default not known (not observed there) */
  readonly release?: string;
  /** Since when the cluster runs it, from the environment's history (`Ferry-Clusters` of each wave's commit). @default not known */
  readonly since?: Date;
  readonly health: HealthView;
}

/** A component in one environment. */
export interface CellView {
  readonly environment: string;
  readonly release?: string;
  /** Since when it runs that release. */
  readonly since?: Date;
  /** Undefined: the environment has no cluster Ferry observes. On several clusters, the aggregate: Healthy only when every cluster is. */
  readonly health?: HealthView;
  /** An environment on several clusters: the component in each, in wave order. @default one cluster */
  readonly clusters?: readonly ClusterCellView[];
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
  /**
   * The freezes covering an environment the person sees when the snapshot was read (`spec.freezes`,
   * core/promotion/freezes.ts), the one ending last per environment. @default none
   */
  readonly freezes?: readonly FreezeView[];
}

/** A freeze covering an environment now: the component page offers breaking glass on it. */
export interface FreezeView {
  readonly environment: string;
  readonly reason: string;
  readonly until: Date;
}

/** The overview's filters, from the query string. */
export interface OverviewFilter {
  readonly project?: string;
  readonly health?: string;
}

/** A preview environment (`ferry preview list`'s record) as the previews page lists it. */
export interface PreviewView {
  /** `owner/name` of the app repository. */
  readonly repo: string;
  readonly pr: number;
  /** The pull request on GitHub. */
  readonly prUrl: string;
  readonly components: readonly string[];
  readonly namespaces: readonly string[];
  readonly urls: readonly string[];
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** Seconds since it was created, when the page was read. */
  readonly ageSeconds: number;
  /** Monthly estimate, formatted. */
  readonly cost: string;
}

/** The previews the person may see (of app repositories they can read), or why there are none to list. */
export type PreviewsView =
  { readonly configured: true; readonly from: string; readonly previews: readonly PreviewView[] } | { readonly configured: false; readonly reason: string };

/** One project's DORA figures in an environment: the project's, each component's, and the weekly trend. */
export interface DoraProjectView {
  readonly project: string;
  /** core/dora/figures.ts: the project's figures with a row per component. */
  readonly report: DoraReport;
  /** Oldest first. */
  readonly weeks: readonly DoraWeek[];
}

/** The DORA page: one environment's figures per project the person sees, or why none were read. */
export type DoraView =
  | {
      readonly observed: true;
      readonly environment: string;
      /** The environments the page offers, in pipeline order. */
      readonly environments: readonly string[];
      readonly since: string;
      readonly until: string;
      /** What could not be read (statuses, commit times), sorted. */
      readonly notes: readonly string[];
      readonly projects: readonly DoraProjectView[];
      /** The environment's GitOps repository on GitHub (its web URL), for links to its commits. @default no links */
      readonly gitopsUrl?: string;
    }
  | { readonly observed: false; readonly reason: string; readonly environments: readonly string[] };
