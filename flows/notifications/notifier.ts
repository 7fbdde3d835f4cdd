/**
 * Sends the platform's notifications (`spec.notifications`) beside the flows, never in their way:
 * `notify` returns at once (the release, promotion and status back flows never await a delivery,
 * nor fail with one); each (event, notification) is claimed once in the {@link OnceLedger} (shared
 * through Redis with replicas), its post built by core/notifications/payloads.ts and sent through
 * the one {@link NotificationSender} port, retried with backoff on a 5xx, 408, 429 or no answer.
 * URLs and secrets are read from the environment variables the platform names, at send time, and
 * never logged: a log line names the notification, the event and its id, and the status.
 */
import type { Logger } from "probot";
import type { Notification, Platform } from "../../renderers/model/index.js";
import { notificationEventId, recipientsOf, type NotificationEvent, type NotificationLinks, type Notify } from "../../core/notifications/event.js";
import { notificationPost } from "../../core/notifications/payloads.js";
import { httpSender, type NotificationSender, type PostResult } from "../../adapters/notify/post.js";
import { componentHref } from "../../presentation/portal/routes.js";
import { LocalOnce, type OnceLedger } from "./once.js";

/** What became of one notification of one event (the metrics count these). */
export type NotificationOutcome = "delivered" | "failed" | "duplicate" | "not-configured" | "dropped" | "retried";

/** Options of {@link Notifier}. */
export interface NotifierProps {
  readonly logger: Logger;
  /** @default Node's http/https ({@link httpSender}) */
  readonly sender?: NotificationSender;
  /** @default in memory ({@link LocalOnce}) */
  readonly once?: OnceLedger;
  /** Where `urlEnv` and `secretEnv` are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** GitHub's web URL, for commit links. @default "https://github.com" */
  readonly webUrl?: string;
  /** The portal's public URL (FERRY_PORTAL_URL), for component links. @default no portal link */
  readonly portalUrl?: string;
  /** Tries per post. @default 5 */
  readonly attempts?: number;
  /** The wait before the second try, in ms, doubled before each next one. @default 2000 */
  readonly backoffMs?: number;
  /** The longest wait between two tries, in ms. @default 60000 */
  readonly maxBackoffMs?: number;
  /** How long {@link Notifier.stop} waits for the posts in flight, in ms. @default 5000 */
  readonly stopTimeoutMs?: number;
  /** Posts waiting at most; more are dropped (and counted). @default 1000 */
  readonly maxQueue?: number;
  /** Posts in flight at once. @default 2 */
  readonly concurrency?: number;
  /** Told each outcome, by notification type. @default nobody */
  readonly observe?: (type: Notification["type"], outcome: NotificationOutcome) => void;
  /** Waits `ms`. @default an unreferenced timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Job {
  readonly id: string;
  readonly event: NotificationEvent;
  readonly notification: Notification;
}

const RETRIED_STATUS = (status: number) => status >= 500 || status === 408 || status === 429;

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** See the module comment. */
export class Notifier {
  readonly #props: NotifierProps;
  readonly #sender: NotificationSender;
  readonly #once: OnceLedger;
  readonly #attempts: number;
  readonly #backoff: number;
  readonly #waiting: Job[] = [];
  #running = 0;
  #stopped = false;
  #idle: (() => void)[] = [];

  constructor(props: NotifierProps) {
    this.#props = props;
    this.#sender = props.sender ?? httpSender();
    this.#once = props.once ?? new LocalOnce();
    this.#attempts = props.attempts ?? 5;
    this.#backoff = props.backoffMs ?? 2000;
    if (!Number.isInteger(this.#attempts) || this.#attempts < 1) throw new Error(`Notifier attempts must be a positive integer, got ${this.#attempts}`);
    if (!(this.#backoff >= 0)) throw new Error(`Notifier backoffMs must be 0 or more, got ${this.#backoff}`);
  }

  /** Queues `event` for each notification of `platform` it goes to; returns at once. */
  readonly notify: Notify = (event: NotificationEvent, platform: Platform): void => {
    const recipients = recipientsOf(platform, event);
    if (recipients.length === 0) return;
    const id = notificationEventId(event);
    for (const notification of recipients) {
      if (this.#stopped || this.#waiting.length >= (this.#props.maxQueue ?? 1000)) {
        this.#props.logger.warn({ notification: notification.name, event: event.type, id }, "notification dropped: its queue is full or Ferry is stopping");
        this.#props.observe?.(notification.type, "dropped");
        continue;
      }
      this.#waiting.push({ id, event, notification });
    }
    this.#pump();
  };

  /** Resolves when nothing waits or is in flight. */
  idle(): Promise<void> {
    if (this.#running === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Takes no new events, starts no more retries, and resolves once the posts queued are tried (or after `stopTimeoutMs`). */
  async stop(): Promise<void> {
    this.#stopped = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#props.stopTimeoutMs ?? 5000);
      timer.unref();
    });
    await Promise.race([this.idle(), deadline]);
    clearTimeout(timer);
  }

  #pump(): void {
    while (this.#running < (this.#props.concurrency ?? 2) && this.#waiting.length > 0) {
      const job = this.#waiting.shift()!;
      this.#running++;
      void this.#deliver(job)
        .catch((e: unknown) => this.#props.logger.error({ notification: job.notification.name, id: job.id, err: e }, "notification failed"))
        .finally(() => {
          this.#running--;
          this.#pump();
          if (this.#running === 0 && this.#waiting.length === 0) for (const resolve of this.#idle.splice(0)) resolve();
        });
    }
  }

  #links(event: NotificationEvent): NotificationLinks {
    const web = (this.#props.webUrl ?? "https://github.com").replace(/\/+$/, "");
    const portal = this.#props.portalUrl?.replace(/\/+$/, "");
    return {
      ...(event.pull ? { pull: event.pull.url } : {}),
      ...(event.gitops && event.commit ? { commit: `${web}/${event.gitops}/commit/${event.commit}` } : {}),
      ...(portal ? { portal: `${portal}${componentHref(event.project, event.component)}` } : {}),
    };
  }

  async #deliver(job: Job): Promise<void> {
    const { id, event, notification } = job;
    const { logger, observe } = this.#props;
    const env = this.#props.env ?? process.env;
    const fields = { notification: notification.name, type: notification.type, event: event.type, id };
    const url = env[notification.urlEnv];
    const secret = notification.secretEnv !== undefined ? env[notification.secretEnv] : undefined;
    if (!url || (notification.secretEnv !== undefined && !secret)) {
      const missing = !url ? notification.urlEnv : notification.secretEnv;
      logger.warn({ ...fields, variable: missing }, `notification not sent: the environment variable ${missing} is not set`);
      observe?.(notification.type, "not-configured");
      return;
    }
    // Claimed before the first try: at most once, also when this replica dies while trying.
    if (!(await this.#once.claim(`${id}:${notification.name}`))) {
      logger.debug(fields, "notification sent before (here or by another replica): skipped");
      observe?.(notification.type, "duplicate");
      return;
    }
    const post = notificationPost(notification, id, event, this.#links(event), secret);
    const sleep = this.#props.sleep ?? defaultSleep;
    let last: PostResult = { error: "unreachable" };
    let tries = 0;
    for (let attempt = 1; attempt <= this.#attempts; attempt++) {
      tries = attempt;
      // Stopping: the try in flight ends, no new one starts (shutdown does not wait out the backoff).
      if (attempt > 1 && this.#stopped) break;
      if (attempt > 1) {
        observe?.(notification.type, "retried");
        await sleep(Math.min(this.#backoff * 2 ** (attempt - 2), this.#props.maxBackoffMs ?? 60_000));
      }
      last = await this.#sender.post(url, post.body, post.headers);
      if ("status" in last && last.status >= 200 && last.status < 300) {
        logger.info({ ...fields, attempt }, "notification delivered");
        observe?.(notification.type, "delivered");
        return;
      }
      if ("status" in last && !RETRIED_STATUS(last.status)) break;
    }
    logger.warn({ ...fields, ...last, attempts: tries }, "notification failed: given up");
    observe?.(notification.type, "failed");
  }
}
