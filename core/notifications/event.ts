/**
 * What Ferry tells a notification about: one {@link NotificationEvent}, its id (derived from what
 * happened, so two replicas telling the same event give the same id and it is sent once) and the
 * platform's notifications it goes to. Pure.
 */
import { createHash } from "node:crypto";
import type { Notification, NotificationEventType, Platform } from "../../renderers/model/index.js";

/** Something that happened to a release in an environment. */
export interface NotificationEvent {
  readonly type: NotificationEventType;
  readonly project: string;
  readonly component: string;
  readonly environment: string;
  /** The release (content hash) the event is about; for a rollback, the release it goes back to. */
  readonly release: string;
  /** The cluster, for an environment on several clusters. @default the environment as a whole */
  readonly cluster?: string;
  /** The GitOps repository (`owner/name`) the event happened in. */
  readonly gitops?: string;
  /** The GitOps commit: the landing, the merge, or the head of the opened pull request. */
  readonly commit?: string;
  /** The pull request: the promotion, rollback or release pull request. */
  readonly pull?: { readonly number: number; readonly url: string };
  /** The app commit the release was cut from. */
  readonly source?: { readonly repo: string; readonly sha: string };
  /** Why: a failed rollout's outcome, the failed signals, the break-glass reason. */
  readonly reason?: string;
  /** Who: the person who broke glass. */
  readonly by?: string;
}

/** Tells the platform's notifications about an event: returns at once, delivery happens beside the caller. */
export type Notify = (event: NotificationEvent, platform: Platform) => void;

/** Where an event's links point. */
export interface NotificationLinks {
  readonly pull?: string;
  readonly commit?: string;
  readonly portal?: string;
}

/** Events that happen once per pull request (its head commit moves, the event stays the same). */
const PER_PULL: readonly NotificationEventType[] = ["promotion.opened", "rollback.opened"];

/**
 * The event's id: a hash of its type, component, environment, cluster, release and, for a landing
 * or merge, its commit (for an opened pull request, its number). The same happening gives the
 * same id on every replica, and a later landing of the same release (another commit) a new one.
 */
export function notificationEventId(event: NotificationEvent): string {
  const identity = [
    event.type,
    `${event.project}/${event.component}`,
    event.environment,
    event.cluster ?? "",
    event.release,
    PER_PULL.includes(event.type) ? String(event.pull?.number ?? "") : (event.commit ?? ""),
  ];
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 40);
}

/** The notifications of the platform that `event` goes to: its type listed, its environment and project let through. */
export function recipientsOf(platform: Pick<Platform, "spec">, event: NotificationEvent): readonly Notification[] {
  return (platform.spec.notifications ?? []).filter(
    (n) =>
      n.events.includes(event.type) &&
      (n.environments === undefined || n.environments.includes(event.environment)) &&
      (n.projects === undefined || n.projects.includes(event.project)),
  );
}
