/**
 * The weekly trend of the DORA figures (the portal's chart): the deployments of a window, each
 * judged with every fact known up to its end (a deployment rolled back the week after still
 * counts as failed in its own week), bucketed by the week it landed in. Pure.
 */
import { componentDeployments, figures, type DoraComponentFacts, type DoraFigures } from "./figures.js";

/** One week's figures. */
export interface DoraWeek extends DoraFigures {
  /** ISO 8601, UTC: [since, until). The last week ends at the window's end, inclusive. */
  readonly since: string;
  readonly until: string;
}

const WEEK_MS = 7 * 86_400_000;

/** The `weeks` weeks ending at `until`, oldest first, with the figures of the deployments that landed in each. */
export function weeklyDora(components: readonly DoraComponentFacts[], until: Date, weeks: number): DoraWeek[] {
  const end = until.getTime();
  const observed = new Set(components.filter((c) => c.signals !== undefined).map((c) => c.component));
  const all = components.flatMap((c) => componentDeployments(c, until));
  const out: DoraWeek[] = [];
  for (let i = weeks - 1; i >= 0; i--) {
    const from = end - (i + 1) * WEEK_MS;
    const to = end - i * WEEK_MS;
    const inWeek = all.filter((d) => d.at.getTime() >= from && (i === 0 ? d.at.getTime() <= to : d.at.getTime() < to));
    out.push({
      since: new Date(from).toISOString(),
      until: new Date(to).toISOString(),
      ...figures(inWeek, (d) => observed.has(d.component), 7),
    });
  }
  return out;
}
