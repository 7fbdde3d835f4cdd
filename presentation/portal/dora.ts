/**
 * The portal's DORA page: one environment's figures per project and per component
 * (core/dora/figures.ts), and each project's weekly trend (core/dora/trend.ts) as a bar chart in
 * server-rendered SVG with the same numbers in a table beside it. Pure. A figure that was not
 * observed says so with the count it stands on (0), never 0.
 */
import type { BreakGlassPromotion, DoraFigures } from "../../core/dora/figures.js";
import type { DoraWeek } from "../../core/dora/trend.js";
import { esc, frame } from "./html.js";
import type { PageContext } from "./pages.js";
import { componentHref, PORTAL_BASE } from "./routes.js";
import type { DoraProjectView, DoraView } from "./view.js";

const NOT_OBSERVED = `<span class="NotObserved">not observed</span>`;

/** `90 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function durationText(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) {
    const m = Math.round((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${m > 0 ? ` ${m} min` : ""}`;
  }
  const h = Math.round((s % 86_400) / 3600);
  return `${Math.floor(s / 86_400)} d${h > 0 ? ` ${h} h` : ""}`;
}

function quantilesText(q: { p50: number | null; p90: number | null; count: number }): string {
  if (q.p50 === null || q.p90 === null) return `${NOT_OBSERVED} (0 observed)`;
  return `p50 ${esc(durationText(q.p50))}, p90 ${esc(durationText(q.p90))} (${q.count} observed)`;
}

function rateText(f: DoraFigures): string {
  if (f.changeFailureRate === null) return `${NOT_OBSERVED} (0 observed)`;
  return `${(f.changeFailureRate * 100).toFixed(0)}% (${f.changeFailures.failed} of ${f.changeFailures.count})`;
}

function restoreText(f: DoraFigures): string {
  const t = f.timeToRestoreSeconds;
  return `${quantilesText(t)}${t.unrestored > 0 ? `, ${t.unrestored} not restored yet` : ""}`;
}

function row(head: string, f: DoraFigures): string {
  const perDay = f.deploymentFrequencyPerDay === null ? NOT_OBSERVED : esc(f.deploymentFrequencyPerDay.toFixed(2));
  return `<tr>${head}<td>${f.deployments}</td><td>${perDay}</td><td>${quantilesText(f.leadTimeSeconds)}</td><td>${rateText(f)}</td><td>${restoreText(f)}</td><td>${f.rollbacks}</td></tr>`;
}

const day = (iso: string) => iso.slice(0, 10);

/** The weekly deployments as bars (failed ones darker), labelled for screen readers; the table beside it has the numbers. */
export function weeklyChartSvg(id: string, label: string, weeks: readonly DoraWeek[]): string {
  const width = 480;
  const height = 160;
  const left = 32;
  const bottom = 24;
  const max = Math.max(1, ...weeks.map((w) => w.deployments));
  const slot = (width - left) / Math.max(1, weeks.length);
  const scale = (n: number) => ((height - bottom - 8) * n) / max;
  const bars = weeks
    .map((w, i) => {
      const x = left + i * slot + slot * 0.15;
      const bw = slot * 0.7;
      const h = scale(w.deployments);
      const failed = scale(w.changeFailures.failed);
      const title = `Week of ${day(w.since)}: ${w.deployments} deployment${w.deployments === 1 ? "" : "s"}, ${w.changeFailures.failed} failed`;
      return `<g><title>${esc(title)}</title><rect class="bar" x="${x.toFixed(1)}" y="${(height - bottom - h).toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}"></rect>${
        failed > 0
          ? `<rect class="bar-failed" x="${x.toFixed(1)}" y="${(height - bottom - failed).toFixed(1)}" width="${bw.toFixed(1)}" height="${failed.toFixed(1)}"></rect>`
          : ""
      }<text class="chart-label" x="${(x + bw / 2).toFixed(1)}" y="${height - 8}" text-anchor="middle">${esc(day(w.since).slice(5))}</text></g>`;
    })
    .join("");
  const summary = weeks.map((w) => `${day(w.since)}: ${w.deployments}`).join(", ");
  return `<svg role="img" aria-labelledby="${esc(id)}-t ${esc(id)}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title id="${esc(id)}-t">${esc(label)}</title><desc id="${esc(id)}-d">Deployments per week: ${esc(summary)}</desc><line class="axis" x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}"></line><text class="chart-label" x="0" y="16">${max}</text><text class="chart-label" x="0" y="${height - bottom}">0</text>${bars}</svg>`;
}

const HEAD = `<th scope="col">Deployments</th><th scope="col">Per day</th><th scope="col">Lead time</th><th scope="col">Change failure rate</th><th scope="col">Time to restore</th><th scope="col">Rollbacks</th>`;

/** `2026-12-01 05:00 UTC` in a `<time>`. */
function at(iso: string): string {
  return `<time datetime="${esc(iso)}">${esc(iso.slice(0, 16).replace("T", " "))} UTC</time>`;
}

/** The project's deployments in the window that broke glass on a freeze: when, what, who, why, and the commit that landed it. */
function breakGlassTable(environment: string, project: string, promotions: readonly BreakGlassPromotion[], gitopsUrl: string | undefined): string {
  if (promotions.length === 0) return `<p>No promotion of ${esc(project)} broke glass on a freeze of ${esc(environment)} in this window.</p>`;
  const commit = (sha: string) =>
    gitopsUrl ? `<a href="${esc(`${gitopsUrl}/commit/${sha}`)}">${esc(sha.slice(0, 7))}</a>` : `<code>${esc(sha.slice(0, 7))}</code>`;
  const rows = promotions
    .map((b) => {
      const [p, c] = b.component.split("/") as [string, string];
      return `<tr><td>${at(b.at)}</td><th scope="row"><a href="${componentHref(p, c)}">${esc(b.component)}</a></th><td><code>${esc(b.release)}</code></td><td>@${esc(b.login)}</td><td>${esc(b.reason)}</td><td>${commit(b.commit)}</td></tr>`;
    })
    .join("");
  return `<div class="scroll"><table><caption>Break-glass promotions of ${esc(project)} into ${esc(environment)} through a freeze (${promotions.length})</caption><thead><tr><th scope="col">When</th><th scope="col">Component</th><th scope="col">Release</th><th scope="col">Broken by</th><th scope="col">Reason</th><th scope="col">Commit</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function projectSection(environment: string, p: DoraProjectView, gitopsUrl: string | undefined): string {
  const id = `dora-${p.project}`;
  const components = p.report.components
    .map((c) => {
      const [project, component] = c.component.split("/") as [string, string];
      return row(`<th scope="row"><a href="${componentHref(project, component)}">${esc(c.component)}</a></th>`, c);
    })
    .join("");
  const figures = `<div class="scroll"><table><caption>DORA figures of ${esc(p.project)} in ${esc(environment)}</caption><thead><tr><th scope="col">Component</th>${HEAD}</tr></thead><tbody>${row(`<th scope="row">${esc(p.project)} (all components)</th>`, p.report)}${components}</tbody></table></div>`;
  const trend = `<div class="scroll"><table><caption>Weekly trend of ${esc(p.project)} in ${esc(environment)}</caption><thead><tr><th scope="col">Week from</th><th scope="col">Deployments</th><th scope="col">Change failure rate</th><th scope="col">Lead time</th></tr></thead><tbody>${p.weeks
    .map(
      (w) => `<tr><th scope="row">${esc(day(w.since))}</th><td>${w.deployments}</td><td>${rateText(w)}</td><td>${quantilesText(w.leadTimeSeconds)}</td></tr>`,
    )
    .join("")}</tbody></table></div>`;
  const chart = `<figure>${weeklyChartSvg(id, `Deployments per week of ${p.project} in ${environment}`, p.weeks)}<figcaption>Deployments per week; the darker part failed.</figcaption></figure>`;
  const glass = `<h3 id="${esc(id)}-glass">Break glass</h3>${breakGlassTable(environment, p.project, p.report.breakGlass.promotions, gitopsUrl)}`;
  return `<section aria-labelledby="${esc(id)}"><h2 id="${esc(id)}">${esc(p.project)}</h2>${figures}${chart}${trend}${glass}</section>`;
}

/** The DORA page. */
export function doraPage(login: string, v: DoraView, ctx: PageContext): string {
  const selected = v.observed ? v.environment : undefined;
  const form =
    v.environments.length > 0
      ? `<form method="get" action="${PORTAL_BASE}/dora" class="filters" aria-label="Environment"><label for="d-env">Environment<select id="d-env" name="env">${v.environments
          .map((e) => `<option value="${esc(e)}"${e === selected ? " selected" : ""}>${esc(e)}</option>`)
          .join("")}</select></label><button type="submit">Show</button></form>`
      : "";
  const notice = ctx.notice ? `<p role="status" class="notice${ctx.notice.ok ? "" : " refused"}">${esc(ctx.notice.text)}</p>` : "";
  if (!v.observed) return frame({ title: "DORA", login, csrf: ctx.csrf, current: "dora", body: `${notice}${form}<p>${esc(v.reason)}</p>` });
  const intro = `<p>Deployments into ${esc(v.environment)} from ${esc(day(v.since))} to ${esc(day(v.until))} (UTC), from the GitOps history and the deployment statuses Ferry posted.</p>`;
  const notes =
    v.notes.length > 0
      ? `<details><summary>What could not be read (${v.notes.length})</summary><ul>${v.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></details>`
      : "";
  const sections = v.projects.map((p) => projectSection(v.environment, p, v.gitopsUrl)).join("\n");
  return frame({ title: "DORA", login, csrf: ctx.csrf, current: "dora", body: `${notice}${form}${intro}${notes}${sections}` });
}
