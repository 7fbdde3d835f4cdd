/**
 * The preview's cost section for one environment: each component's monthly estimate now (what
 * the environment holds) and with the pull request, the change, and the total. Pure. Autoscaled
 * workloads count at minReplicas; their range up to maxReplicas follows in brackets.
 */
import type { CostEstimate } from "../../core/cost.js";
import { formatMoney, formatMoneyDelta } from "../../core/cost.js";
import type { EnvironmentPreview } from "../../core/preview/model.js";

function amount(e: CostEstimate): string {
  const text = formatMoney(e.monthly, e.currency);
  return e.maxMonthly > e.monthly + 0.005 ? `${text} (up to ${formatMoney(e.maxMonthly, e.currency)})` : text;
}

/** The section's lines (none when nothing in the environment costs anything, e.g. a platform without `pricing`). */
export function previewCostSection(env: EnvironmentPreview): string[] {
  const costed = env.components.flatMap((c) => (c.cost ? [{ key: c.key, cost: c.cost }] : []));
  if (costed.every(({ cost }) => cost.before.maxMonthly === 0 && cost.after.maxMonthly === 0)) return [];
  const currency = costed[0]!.cost.after.currency;
  const rows = costed.map(
    ({ key, cost }) => `| \`${key}\` | ${amount(cost.before)} | ${amount(cost.after)} | ${formatMoneyDelta(cost.delta.monthly, currency)} |`,
  );
  const sum = (f: (c: (typeof costed)[number]["cost"]) => number) => costed.reduce((s, x) => s + f(x.cost), 0);
  const total = (which: "before" | "after") => ({
    ...costed[0]!.cost[which],
    monthly: sum((c) => c[which].monthly),
    maxMonthly: sum((c) => c[which].maxMonthly),
  });
  const invalid = env.components.filter((c) => !c.cost).map((c) => `\`${c.key}\``);
  return [
    `#### Cost in ${env.name}`,
    "",
    "| component | monthly now | with this pull request | change |",
    "| --- | ---: | ---: | ---: |",
    ...rows,
    `| **total** | **${amount(total("before"))}** | **${amount(total("after"))}** | **${formatMoneyDelta(
      sum((c) => c.delta.monthly),
      currency,
    )}** |`,
    "",
    ...(invalid.length > 0 ? [`Not costed (invalid): ${invalid.join(", ")}.`, ""] : []),
  ];
}
