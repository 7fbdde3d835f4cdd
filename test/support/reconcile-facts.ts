/** Inputs of the reconcile units: the app's platform, environments' releases, app heads and the facts the planner takes. */
import { parse } from "yaml";
import { Platform } from "../../renderers/model/index.js";
import type { AppHead, CandidateFacts, EnvironmentReleases, ReconcileFacts } from "../../core/reconcile/plan.js";
import type { releaseCandidates } from "../../core/reconcile/plan.js";
import { platformYaml } from "./harness.js";

export const platform = Platform.parse(parse(platformYaml()));
export const NOW = new Date("2026-03-02T10:00:00Z");
export const R1 = "aaaaaaaaaaaa";
export const R2 = "bbbbbbbbbbbb";

export function envs(dev: Record<string, string>, staging: Record<string, string> = {}): Map<string, EnvironmentReleases> {
  return new Map([
    ["dev", new Map(Object.entries(dev))],
    ["staging", new Map(Object.entries(staging))],
  ]);
}

export function app(release: string, waitForCheck?: string, succeeded: string[] = []): AppHead {
  return {
    repo: "acme/shop-api",
    sha: "1".repeat(40),
    components: [{ project: "shop", component: "api", release, ...(waitForCheck ? { waitForCheck } : {}) }],
    succeededChecks: succeeded,
  };
}

export function facts(over: Partial<ReconcileFacts>): ReconcileFacts {
  return { platform, environments: envs({}), candidates: [], openPromotions: [], deployments: [], deliveries: [], now: NOW, ...over };
}

export const fresh = (candidates: ReturnType<typeof releaseCandidates>): CandidateFacts[] =>
  candidates.map((candidate) => ({ candidate, ranBefore: false, pulls: [] }));
