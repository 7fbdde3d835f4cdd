/** What became of each item of a release plan (flows/release/run.ts publishes them; presentation/markdown/release-check.ts reports them). */
import type { PlanItem } from "./plan.js";

/** What became of one plan item. */
export type ItemResult =
  | { readonly item: PlanItem; readonly status: "committed"; readonly commit: string; readonly url: string; readonly changed: boolean }
  | { readonly item: PlanItem; readonly status: "pull-request"; readonly number: number; readonly url: string; readonly opened: boolean }
  | { readonly item: PlanItem; readonly status: "unchanged" }
  | { readonly item: PlanItem; readonly status: "waiting"; readonly check: string }
  | { readonly item: PlanItem; readonly status: "failed"; readonly error: string };
