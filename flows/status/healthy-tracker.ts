/**
 * Since when a component has been Healthy on its release: the soak time of promotions counts
 * from there. Held in memory per app instance; a period that began with this process's first
 * look at a component may be backdated from a durable record (the GitHub deployment statuses
 * Ferry posted, see `deploymentHealthySince`), so a restart does not reset the soak.
 */
import type { HealthStatus } from "../../core/status/health.js";
import { keyString, type ComponentKey } from "../../core/status/components.js";

/** A continuous Healthy period of one component on one release. */
export interface HealthyPeriod {
  readonly release: string;
  readonly since: Date;
  /**
   * True while the period began at this process's first observation of the component and has not
   * been checked against a durable record yet: it may really have begun earlier.
   */
  readonly unconfirmed: boolean;
}

interface Entry {
  period?: HealthyPeriod;
}

/**
 * Tracks Healthy periods per component (keyed by project, component and environment). Feed it
 * every health evaluation with {@link observe}; a period ends as soon as the component is seen
 * anything but Healthy, or Healthy on another release.
 */
export class HealthyTracker {
  private readonly entries = new Map<string, Entry>();

  /** @param now the clock periods start at. @default () => new Date() */
  constructor(private readonly now: () => Date = () => new Date()) {}

  /**
   * Records that `key` was seen with `status`, its ready pods running `release`; returns the
   * Healthy period it is in (undefined when not Healthy or the release is unknown).
   */
  observe(key: ComponentKey, status: HealthStatus, release: string | undefined): HealthyPeriod | undefined {
    const id = keyString(key);
    const entry = this.entries.get(id);
    if (status !== "Healthy" || release === undefined) {
      this.entries.set(id, {});
      return undefined;
    }
    if (entry?.period?.release === release) return entry.period;
    const period: HealthyPeriod = { release, since: this.now(), unconfirmed: entry === undefined };
    this.entries.set(id, { period });
    return period;
  }

  /** The current Healthy period of `key`, if any (without observing). */
  current(key: ComponentKey): HealthyPeriod | undefined {
    return this.entries.get(keyString(key))?.period;
  }

  /**
   * Settles an unconfirmed period of `key` on `release`: moves its start back to `since` when that
   * is earlier (a durable record says it was Healthy already), and marks it confirmed either way.
   * Periods that are confirmed, on another release, or over are left alone. Returns the period.
   */
  confirm(key: ComponentKey, release: string, since: Date | undefined): HealthyPeriod | undefined {
    const entry = this.entries.get(keyString(key));
    const p = entry?.period;
    if (!entry || !p || p.release !== release || !p.unconfirmed) return p;
    const start = since !== undefined && since.getTime() < p.since.getTime() ? since : p.since;
    entry.period = { release, since: start, unconfirmed: false };
    return entry.period;
  }

  /** Forgets everything about `key` (e.g. the component was removed). */
  forget(key: ComponentKey): void {
    this.entries.delete(keyString(key));
  }
}
