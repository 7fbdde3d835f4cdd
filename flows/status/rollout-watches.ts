/**
 * Status back: after a release lands in an environment, Ferry watches the environment's cluster
 * and reports the rollout where people look. This file runs the watches: their lifecycle, not
 * what is judged or written. Each look at a rollout is evaluated by rollout-evaluation.ts (the
 * health for the expected release, the diagnosis, and whether it settled: Healthy, Degraded for
 * `degradedSettleMs`, or not Healthy within `maxWatchMs`) and written by rollout-writer.ts (the
 * status comment and the deployment statuses).
 *
 * For each watch request (one component, one environment, one release, see watch-request.ts) the
 * watches subscribe to the observer's changes of that component, coalesced (`debounceMs`: the
 * observer fires many notifications per rollout step, a watch evaluates at most once per window,
 * one evaluation at a time), retry failed GitHub writes, and when the rollout settles tell
 * `onSettled` listeners (every settle) and `onHealthy` listeners (healthy settles only: the hook
 * that triggers the next promotion, whose gates then wait for the soak time).
 *
 * A newer watch of the same component and environment supersedes the older one. Everything with
 * a side effect (clock, timers, GitHub client, observer) is passed in; watches live in memory.
 */
import type { z } from "zod";
import type { GitHub } from "../../adapters/github/types.js";
import { keyString, type ComponentKey } from "../../core/status/components.js";
import type { Diagnosis } from "../../core/status/diagnose.js";
import type { ComponentHealth } from "../../core/status/health.js";
import type { ObservabilityLinks } from "../../core/signals/links.js";
import type { SignalsReport } from "../../core/signals/report.js";
import type { CausesDiagnosis } from "../../core/diagnosis/model.js";
import { isSettled, type SettledOutcome, type WatchOutcome } from "../../core/status/rollout-decision.js";
import { clusterTargets, environmentNamed, isMultiCluster, type ClusterTarget, type EnvironmentsSource } from "./environment-contexts.js";
import { ClusterStatusComment } from "./cluster-status-comment.js";
import type { ObservedCluster } from "./health-source.js";
import { HealthyTracker } from "./healthy-tracker.js";
import { evaluateRollout, readRollout, type DependenciesOf } from "./rollout-evaluation.js";
import { RolloutWriter, type WriteStep } from "./rollout-writer.js";
import { systemTimers, type Timers } from "./timers.js";
import { WatchRequest, type SettledEvent, type WatchHandle, type WatchResult } from "./watch-request.js";

/** A failure the watches recovered from (they retry GitHub writes on their own). */
export interface WatchError {
  readonly watch: string;
  readonly step: "evaluate" | WriteStep | "listener";
  readonly error: unknown;
}

/** Listener of settled watches. */
export type SettledListener = (event: SettledEvent) => void | Promise<void>;

/** Options of {@link RolloutWatches}. */
export interface RolloutWatchesOptions {
  readonly observer: ObservedCluster;
  /** The platform's environments (`name`, `production`, `cluster.context`). */
  readonly environments: EnvironmentsSource;
  /** Shared with the health source so gates and reports agree. @default a new tracker on `clock` */
  readonly tracker?: HealthyTracker;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** @default Node's timers (unreferenced) */
  readonly timers?: Timers;
  /** Coalescing window of observer notifications, in ms. @default 3000 */
  readonly debounceMs?: number;
  /** How long Degraded must last before the watch settles as failed, in ms. @default 300000 (5 min) */
  readonly degradedSettleMs?: number;
  /** A watch not settled this long after `startedAt` ends as `timed-out`, in ms. @default 3600000 (1 h) */
  readonly maxWatchMs?: number;
  /** Delay before retrying failed GitHub writes, in ms. @default 30000 */
  readonly retryMs?: number;
  /** Final writes are tried this many times before the watch ends regardless. @default 3 */
  readonly finalAttempts?: number;
  /** `environment_url` of the deployment statuses. @default none */
  readonly environmentUrl?: (request: WatchRequest) => string | undefined;
  /** The `verify.duration` of the pipeline step into an environment, when it has `verify` (a Healthy settle is then posted as `Verifying:`). @default none */
  readonly verifyDuration?: (environment: string) => string | undefined;
  /** The components a component depends on (for "dependency not ready" diagnoses). @default none */
  readonly dependencies?: DependenciesOf;
  /** @default ignore */
  readonly onError?: (error: WatchError) => void;
}

interface Watch {
  readonly id: string;
  readonly request: WatchRequest;
  /** Where it is tracked and reported (`environment` is `<env>/<cluster>` for a cluster of an environment on several clusters). */
  readonly key: ComponentKey;
  /** The component as its objects are labelled in the cluster. */
  readonly labels: ComponentKey;
  readonly labelsId: string;
  readonly context: string;
  readonly handle: WatchHandle;
  readonly resolve: (r: WatchResult) => void;
  readonly writer: RolloutWriter;
  unsubscribe: () => void;
  debounce?: unknown;
  timer?: unknown;
  giveUp?: unknown;
  running?: Promise<void>;
  again: boolean;
  after?: Promise<void>;
  degradedSince?: Date;
  outcome?: WatchOutcome;
  /** Comment and health frozen when the outcome was decided. */
  final?: { health: ComponentHealth; diagnosis: Diagnosis; settledAt: Date; since: Date };
  supersededBy?: string;
  writeFinalComment: boolean;
  notified: boolean;
  finalAttempts: number;
  finished: boolean;
}

function samePr(a: WatchRequest["pr"], b: WatchRequest["pr"]): boolean {
  return a?.repo.toLowerCase() === b?.repo.toLowerCase() && a?.number === b?.number;
}

/** Watches rollouts and has them reported on GitHub. See the module comment. */
export class RolloutWatches {
  /** Healthy periods, shared with a {@link ClusterHealthSource} when given the same tracker. */
  readonly tracker: HealthyTracker;
  private readonly observer: ObservedCluster;
  private readonly environments: EnvironmentsSource;
  private readonly clock: () => Date;
  private readonly timers: Timers;
  private readonly debounceMs: number;
  private readonly degradedSettleMs: number;
  private readonly maxWatchMs: number;
  private readonly retryMs: number;
  private readonly maxFinalAttempts: number;
  private readonly environmentUrl: (request: WatchRequest) => string | undefined;
  private readonly dependencies: DependenciesOf;
  private readonly verifyDuration: (environment: string) => string | undefined;
  private readonly onErrorCb: (error: WatchError) => void;
  private readonly watches = new Map<string, Watch>();
  private readonly settledListeners = new Set<SettledListener>();
  private readonly healthyListeners = new Set<SettledListener>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The status comments of rollouts in environments on several clusters, by pull request (or commit) and component: one per rollout, shared by its clusters' watches. */
  private readonly clusterComments = new Map<string, ClusterStatusComment>();
  /** The writer of each component's last settled watch, by component key: its comment gets the verification's signals. */
  private readonly settledWriters = new Map<string, { readonly release: string; readonly writer: RolloutWriter }>();

  constructor(options: RolloutWatchesOptions) {
    this.observer = options.observer;
    this.environments = options.environments;
    this.clock = options.clock ?? (() => new Date());
    this.tracker = options.tracker ?? new HealthyTracker(this.clock);
    this.timers = options.timers ?? systemTimers;
    this.debounceMs = options.debounceMs ?? 3000;
    this.degradedSettleMs = options.degradedSettleMs ?? 300_000;
    this.maxWatchMs = options.maxWatchMs ?? 3_600_000;
    this.retryMs = options.retryMs ?? 30_000;
    this.maxFinalAttempts = Math.max(1, options.finalAttempts ?? 3);
    this.environmentUrl = options.environmentUrl ?? (() => undefined);
    this.dependencies = options.dependencies ?? (() => []);
    this.verifyDuration = options.verifyDuration ?? (() => undefined);
    this.onErrorCb = options.onError ?? (() => undefined);
  }

  /** Calls `listener` whenever a watch settles (healthy, degraded or timed out). Returns an unsubscribe function. */
  onSettled(listener: SettledListener): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  /** Calls `listener` only when a watch settles Healthy: where the next promotion is triggered. Returns an unsubscribe function. */
  onHealthy(listener: SettledListener): () => void {
    this.healthyListeners.add(listener);
    return () => this.healthyListeners.delete(listener);
  }

  /**
   * Starts watching (and reports at once). A repeated identical request returns the running
   * watch; a different one for the same component and environment supersedes it. Throws one
   * error naming every problem of the request (bad fields, unknown environment, no cluster
   * context, context not observed).
   */
  watch(input: z.input<typeof WatchRequest>, github: GitHub): WatchHandle {
    const parsed = WatchRequest.safeParse(input);
    const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".") || "request"}: ${i.message}`);
    const request = parsed.success ? parsed.data : undefined;
    const envName: unknown = (input as { environment?: unknown }).environment;
    const env = typeof envName === "string" && envName !== "" ? environmentNamed(this.environments, envName) : undefined;
    if (typeof envName === "string" && envName !== "" && !env) problems.push(`environment: unknown environment ${JSON.stringify(envName)}`);
    const multi = isMultiCluster(env);
    const targets = env ? clusterTargets(env) : [];
    const target = multi ? targets.find((t) => t.cluster === request?.cluster) : targets[0];
    if (env && multi && request && request.cluster === undefined)
      problems.push(`cluster: ${env.name} is on several clusters (${targets.map((t) => t.cluster ?? "").join(", ")}); name the one to watch`);
    else if (env && multi && request?.cluster !== undefined && !target) problems.push(`cluster: ${env.name} has no cluster ${JSON.stringify(request.cluster)}`);
    if (env && !multi && request?.cluster !== undefined) problems.push(`cluster: ${env.name} is on one cluster; watch it without a cluster`);
    const context = target?.context;
    if (env && !multi && context === undefined) problems.push(`environment: ${env.name} has no cluster context (environments[].cluster.context)`);
    if (context !== undefined && !this.observer.contexts().includes(context))
      problems.push(`environment: cluster context ${JSON.stringify(context)} of ${env?.name ?? ""} is not observed`);
    if (!request || !env || !target || context === undefined || problems.length > 0) throw new Error(`cannot watch: ${problems.join("; ")}`);

    const labels: ComponentKey = { project: request.project, component: request.component, environment: request.environment };
    const key: ComponentKey = { ...labels, environment: target.tracked };
    const id = keyString(key);
    const existing = this.watches.get(id);
    if (
      existing &&
      existing.request.release === request.release &&
      samePr(existing.request.pr, request.pr) &&
      existing.request.commit?.sha === request.commit?.sha &&
      existing.request.appRepo?.sha === request.appRepo?.sha &&
      existing.request.appRepo?.repo === request.appRepo?.repo
    ) {
      return existing.handle;
    }

    let resolve: (r: WatchResult) => void = () => undefined;
    const done = new Promise<WatchResult>((r) => (resolve = r));
    const w: Watch = {
      id,
      request,
      key,
      labels,
      labelsId: keyString(labels),
      context,
      handle: { id, request, done, cancel: () => this.cancel(w) },
      resolve,
      unsubscribe: () => undefined,
      again: false,
      writeFinalComment: false,
      notified: false,
      finalAttempts: 0,
      finished: false,
      writer: new RolloutWriter(github, request, {
        key,
        context,
        production: env.production ?? false,
        degradedSettleMs: this.degradedSettleMs,
        maxWatchMs: this.maxWatchMs,
        environmentUrl: this.environmentUrl,
        verifyDuration: this.verifyDuration(request.environment),
        comment: target.cluster !== undefined ? this.clusterComment(github, request, labels, targets)?.sink(target.cluster) : undefined,
        onError: (step, error) => this.onErrorCb({ watch: id, step, error }),
      }),
    };
    if (existing) {
      w.after = this.supersede(existing, request);
    }
    this.watches.set(id, w);
    this.settledWriters.delete(id);
    w.unsubscribe = this.observer.onChange((change) => {
      if (change.context !== w.context || keyString(change.key) !== w.labelsId || w.outcome) return;
      w.debounce ??= this.timers.setTimeout(() => {
        w.debounce = undefined;
        this.trigger(w);
      }, this.debounceMs);
    });
    const untilGiveUp = request.startedAt.getTime() + this.maxWatchMs - this.clock().getTime();
    w.giveUp = this.timers.setTimeout(() => this.trigger(w), Math.max(0, untilGiveUp));
    this.trigger(w);
    return w.handle;
  }

  /**
   * Shows a verification's `report` (with `links`, and a failed one's likely `causes`) in the status comment of the settled watch of
   * `key` and `report.release`: the same comment, rewritten only when its content changed. False
   * when no such watch is known (a newer one took over, or it never settled) or the write failed.
   */
  async showSignals(key: ComponentKey, report: SignalsReport, links?: ObservabilityLinks, causes?: CausesDiagnosis): Promise<boolean> {
    const settled = this.settledWriters.get(keyString(key));
    if (!settled || settled.release !== report.release) return false;
    return this.track(settled.writer.writeSignals(report, links, this.clock(), causes));
  }

  /** The one status comment of a rollout of `labels` in an environment on several clusters, on the request's pull request or commit. */
  private clusterComment(github: GitHub, request: WatchRequest, labels: ComponentKey, targets: readonly ClusterTarget[]): ClusterStatusComment | undefined {
    const target = request.pr ?? request.commit;
    if (!target) return undefined;
    const id = `${target.repo.toLowerCase()}#${"number" in target ? target.number : target.sha}#${keyString(labels)}`;
    const existing = this.clusterComments.get(id);
    if (existing) return existing;
    const made = new ClusterStatusComment(
      github,
      target,
      labels,
      targets.map((t) => t.cluster ?? ""),
    );
    this.clusterComments.set(id, made);
    return made;
  }

  /** Re-evaluates every running watch now (e.g. on `/ferry status`). */
  refresh(): void {
    for (const w of this.watches.values()) this.trigger(w);
  }

  /** The running watches' requests. */
  active(): WatchRequest[] {
    return [...this.watches.values()].map((w) => w.request);
  }

  /** Resolves when no evaluation, GitHub write or listener is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops every watch (nothing more is written) and waits for work in flight. */
  async stop(): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => this.cancel(w)));
    await this.idle();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  /**
   * Ends `old` in favour of `next`: its comment says so when it is on another pull request or commit (on the
   * same one the new watch takes the comment over). Resolves when `old` has no evaluation in
   * flight any more, so the two never write the same comment at once.
   */
  private async supersede(old: Watch, next: WatchRequest): Promise<void> {
    old.outcome = "superseded";
    old.supersededBy = next.release;
    old.writeFinalComment = old.writer.hasComment && !(samePr(old.request.pr, next.pr) && old.request.commit?.sha === next.commit?.sha);
    old.unsubscribe();
    if (old.debounce !== undefined) this.timers.clearTimeout(old.debounce);
    old.debounce = undefined;
    this.trigger(old);
    while (old.running) await old.running;
  }

  private async cancel(w: Watch): Promise<void> {
    if (!w.finished) {
      w.outcome ??= "cancelled";
      this.finish(w);
    }
    await w.running;
  }

  private finish(w: Watch): void {
    if (w.finished) return;
    w.finished = true;
    w.unsubscribe();
    for (const t of [w.debounce, w.timer, w.giveUp]) if (t !== undefined) this.timers.clearTimeout(t);
    const outcome = w.outcome ?? "cancelled";
    if (this.watches.get(w.id) === w) {
      this.watches.delete(w.id);
      if (isSettled(outcome)) this.settledWriters.set(w.id, { release: w.request.release, writer: w.writer });
    }
    w.resolve({ outcome, ...(w.final && isSettled(outcome) ? { event: this.event(w, outcome) } : {}) });
  }

  private trigger(w: Watch): void {
    if (w.finished) return;
    if (w.running) {
      w.again = true;
      return;
    }
    w.running = this.track(this.loop(w)).finally(() => {
      w.running = undefined;
    });
  }

  private async loop(w: Watch): Promise<void> {
    if (w.after) await w.after;
    do {
      w.again = false;
      try {
        await this.evaluate(w);
      } catch (error) {
        // Not a GitHub write (those are caught where they happen): report it and try again later.
        this.onErrorCb({ watch: w.id, step: "evaluate", error });
        this.schedule(w, this.retryMs);
      }
    } while (w.again && !w.finished);
  }

  private schedule(w: Watch, ms: number): void {
    if (w.finished) return;
    if (w.timer !== undefined) this.timers.clearTimeout(w.timer);
    w.timer = this.timers.setTimeout(
      () => {
        w.timer = undefined;
        this.trigger(w);
      },
      Math.max(0, ms),
    );
  }

  /** What the observer shows of `w` now. */
  private read(w: Watch): { health: ComponentHealth; diagnosis: Diagnosis } {
    return readRollout(this.observer, { key: w.labels, context: w.context, release: w.request.release }, this.dependencies);
  }

  private async evaluate(w: Watch): Promise<void> {
    if (w.finished) return;
    const now = this.clock();
    if (!w.outcome) {
      const { health, diagnosis, judgement } = evaluateRollout(
        this.observer,
        this.tracker,
        { key: w.labels, tracked: w.key, context: w.context, release: w.request.release, startedAt: w.request.startedAt, degradedSince: w.degradedSince },
        now,
        { degradedSettleMs: this.degradedSettleMs, maxWatchMs: this.maxWatchMs, dependencies: this.dependencies },
      );
      w.degradedSince = judgement.degradedSince;
      if (!judgement.settled) {
        const ok = await w.writer.write(w, health, diagnosis, now);
        if (!ok) this.schedule(w, this.retryMs);
        else if (judgement.recheckAt) this.schedule(w, judgement.recheckAt.getTime() - now.getTime());
        return;
      }
      w.outcome = judgement.settled.outcome;
      w.writeFinalComment = true;
      w.final = { health, diagnosis, settledAt: now, since: judgement.settled.since };
      w.unsubscribe();
    }
    await this.conclude(w, now);
  }

  /** Final writes of a decided watch, its listeners, and its end (retrying failed writes a few times). */
  private async conclude(w: Watch, now: Date): Promise<void> {
    const outcome = w.outcome ?? "cancelled";
    let ok = true;
    if (w.final && w.writeFinalComment) ok = await w.writer.write(w, w.final.health, w.final.diagnosis, now);
    else if (outcome === "superseded") {
      // The comment says so when it stays behind on another pull request or commit; the deployment goes inactive.
      const { health, diagnosis } = this.read(w);
      ok = await w.writer.write(w, health, diagnosis, now, { comment: w.writeFinalComment });
    }
    w.finalAttempts++;
    if (isSettled(outcome) && !w.notified) {
      w.notified = true;
      await this.notify(this.event(w, outcome));
    }
    if (!ok && w.finalAttempts < this.maxFinalAttempts) {
      this.schedule(w, this.retryMs);
      return;
    }
    this.finish(w);
  }

  private event(w: Watch, outcome: SettledOutcome): SettledEvent {
    const final = w.final;
    return {
      key: w.key,
      environment: w.request.environment,
      ...(w.request.cluster !== undefined ? { cluster: w.request.cluster } : {}),
      release: w.request.release,
      status: final?.health.status ?? "Unknown",
      outcome,
      since: final?.since ?? w.request.startedAt,
      request: w.request,
      ...(w.writer.commentUrl ? { commentUrl: w.writer.commentUrl } : {}),
    };
  }

  private async notify(event: SettledEvent): Promise<void> {
    const listeners = [...this.settledListeners, ...(event.outcome === "healthy" ? this.healthyListeners : [])];
    for (const l of listeners) {
      try {
        await this.track(Promise.resolve(l(event)));
      } catch (error) {
        this.onErrorCb({ watch: keyString(event.key), step: "listener", error });
      }
    }
  }
}
