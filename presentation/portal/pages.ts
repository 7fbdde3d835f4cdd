/**
 * The portal's pages as server-rendered HTML (they work without JavaScript): the overview, a
 * component, the environments, the open promotions, and the notices. Pure: they draw a
 * {@link PortalSnapshot}.
 */
import { HealthStatus } from "../../core/status/health.js";
import { formatUtc } from "../../core/time.js";
import { signalReason, verdictWord } from "../signal-values.js";
import { neighbourhoodSvg } from "./diagram.js";
import { esc, frame } from "./html.js";
import { componentHref, PORTAL_BASE } from "./routes.js";
import { signalChartSvg } from "./signal-chart.js";
import type { CausesDiagnosis } from "../../core/diagnosis/model.js";
import type { CellView, ComponentView, FreezeView, HealthView, OverviewFilter, PortalSnapshot, PreviewsView, PromotionView, SignalsView } from "./view.js";

/** What a page needs beyond the snapshot. */
export interface PageContext {
  readonly csrf: string;
  /** A notice to show on top (an action's outcome). */
  readonly notice?: { readonly ok: boolean; readonly text: string };
}

/** Health states the overview filters by: core/status's vocabulary. */
export const HEALTH_STATES = HealthStatus.options;

const when = (d: Date | undefined) => (d ? `<time datetime="${d.toISOString()}">${esc(d.toISOString().slice(0, 16).replace("T", " "))} UTC</time>` : "");

function healthText(h: HealthView | undefined): string {
  if (!h) return `<span class="NotObserved">not observed</span>`;
  const replicas = h.desired !== undefined ? ` ${h.ready ?? 0}/${h.desired} ready` : "";
  return `<span class="badge ${esc(h.status)}">${esc(h.status)}</span>${esc(replicas)}`;
}

function gatesText(p: PromotionView): string {
  const gates =
    p.gates.length > 0 ? `<ul>${p.gates.map((g) => `<li>${esc(g.name)}: ${esc(g.state)}${g.detail ? ` (${esc(g.detail)})` : ""}</li>`).join("")}</ul>` : "";
  return `<a href="${esc(p.url)}">${esc(p.repo)}#${p.number}</a> gates: ${esc(p.gatesState)}${gates}`;
}

/** Each cluster of an environment on several clusters: its health, and its release (and since when) where `full`, else only a release other than the environment's. */
function clustersList(c: CellView, full: boolean): string {
  if (!c.clusters || c.clusters.length === 0) return "";
  const items = c.clusters.map((k) => {
    const release = k.release && (full || k.release !== c.release) ? ` <code>${esc(k.release)}</code>` : "";
    const since = full && k.since ? ` since ${when(k.since)}` : "";
    return `<li>${esc(k.cluster)}: ${healthText(k.health)}${release}${since}</li>`;
  });
  return `<ul class="clusters" aria-label="Clusters">${items.join("")}</ul>`;
}

function cellHtml(c: CellView): string {
  const parts = [
    c.release ? `<code>${esc(c.release)}</code>` : "not deployed",
    c.release ? `<br>${c.clusters ? "all clusters: " : ""}${healthText(c.health)}${clustersList(c, false)}` : "",
    c.since ? `<br>since ${when(c.since)}` : "",
    c.drift ? `<br><span class="drift">drift: ${esc(c.drift)}</span>` : "",
    c.promotion ? `<br>open promotion: ${gatesText(c.promotion)}` : "",
  ];
  return parts.join("");
}

/** The verdict line and links of an environment's signals (the `Signals` entry), and one chart per signal. */
function signalsHtml(env: string, release: string | undefined, v: SignalsView | undefined): { summary: string; charts: string } {
  if (!release) return { summary: "n/a", charts: "" };
  if (!v) return { summary: `<span class="NotObserved">not observed</span>`, charts: "" };
  if (!v.observed) return { summary: `<span class="NotObserved">not observed</span>: ${esc(v.reason)}`, charts: "" };
  const r = v.report;
  const at = (t: number) => formatUtc(new Date(t * 1000));
  const links =
    v.links.length > 0
      ? `<br>Links: ${v.links.map((l) => ("url" in l ? `<a href="${esc(l.url)}" rel="noreferrer">${esc(l.name)}</a>` : `${esc(l.name)} (not shown: the template ${esc(l.problem)})`)).join(", ")}`
      : "";
  const notes = r.notes.length > 0 ? `<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "";
  const summary = `<strong class="verdict ${esc(r.verdict)}">${esc(verdictWord(r.verdict))}</strong> for <code>${esc(r.release)}</code>${r.cluster ? ` in ${esc(r.cluster)}` : ""}, window ${esc(at(r.window.from))} to ${esc(at(r.window.to))}${links}${notes}`;
  const where = `${env}${r.cluster ? ` (${r.cluster})` : ""}`;
  const figures = r.signals.map(
    (s) =>
      `<figure><figcaption><strong>${esc(s.name)}</strong>: ${esc(verdictWord(s.verdict))}. ${esc(signalReason(s))}</figcaption>${signalChartSvg({
        id: `sig-${env}-${s.name}`,
        where,
        signal: s,
        window: r.window,
        ...(v.landedAt !== undefined ? { boundary: v.landedAt } : {}),
      })}</figure>`,
  );
  const charts = figures.length > 0 ? `<div class="signals">${figures.join("\n")}</div>` : "<p>No signal is defined for this component.</p>";
  return { summary, charts: `${charts}${v.causes ? causesHtml(v.causes) : ""}` };
}

/** The likely causes of a failed verification, in rank order, each with its evidence. */
function causesHtml(d: CausesDiagnosis): string {
  const items = [...d.causes]
    .sort((a, b) => a.rank - b.rank)
    .map(
      (c) =>
        `<li><strong>${esc(c.confidence)}</strong> (${esc(c.kind)} ${esc(c.subject)}): ${esc(c.summary)}${
          c.evidence.length > 0 ? `<ul>${c.evidence.map((e) => `<li>${esc(e.kind)}: ${esc(e.text)}</li>`).join("")}</ul>` : ""
        }</li>`,
    );
  const body = items.length > 0 ? `<ol>${items.join("")}</ol>` : "<p>No likely cause in what could be read.</p>";
  const notes = d.notes.length > 0 ? `<ul class="notes">${d.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "";
  return `<div class="causes"><h4>Likely causes</h4>${body}${notes}</div>`;
}

function notice(ctx: PageContext): string {
  return ctx.notice ? `<p role="status" class="notice${ctx.notice.ok ? "" : " refused"}">${esc(ctx.notice.text)}</p>` : "";
}

/** Whether a component matches the overview's filters. */
export function matches(c: ComponentView, filter: OverviewFilter): boolean {
  if (filter.project && c.project !== filter.project) return false;
  if (filter.health) return c.cells.some((cell) => (cell.health?.status ?? (cell.release ? "NotObserved" : "")) === filter.health);
  return true;
}

/** Projects x components x environments. */
export function overviewPage(s: PortalSnapshot, filter: OverviewFilter, ctx: PageContext): string {
  const rows = s.components.filter((c) => matches(c, filter));
  const option = (value: string, label: string, selected: string | undefined) =>
    `<option value="${esc(value)}"${selected === value ? " selected" : ""}>${esc(label)}</option>`;
  const form = `<form method="get" action="${PORTAL_BASE}/" class="filters" aria-label="Filter">
<label for="f-project">Project<select id="f-project" name="project">${option("", "All projects", filter.project ?? "")}${s.projects.map((p) => option(p, p, filter.project)).join("")}</select></label>
<label for="f-health">Health<select id="f-health" name="health">${option("", "Any health", filter.health ?? "")}${HEALTH_STATES.map((h) => option(h, h, filter.health)).join("")}</select></label>
<button type="submit">Filter</button></form>`;
  const head = `<tr><th scope="col">Component</th>${s.environments.map((e) => `<th scope="col">${esc(e.name)}</th>`).join("")}</tr>`;
  const body = rows
    .map((c) => {
      const cells = s.environments.map((e) => `<td>${cellHtml(c.cells.find((x) => x.environment === e.name) ?? { environment: e.name, history: [] })}</td>`);
      return `<tr><th scope="row"><a href="${componentHref(c.project, c.component)}">${esc(c.project)}/${esc(c.component)}</a></th>${cells.join("")}</tr>`;
    })
    .join("\n");
  const table =
    rows.length > 0
      ? `<div class="scroll"><table><caption>Which release each component runs in each environment, its health and open promotion</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`
      : `<p>No component matches.</p>`;
  const empty = s.projects.length === 0 ? `<p>You cannot read a repository of any project, so there is nothing to show.</p>` : "";
  return frame({ title: "Overview", login: s.login, csrf: ctx.csrf, current: "overview", body: `${notice(ctx)}${form}${empty}${table}` });
}

/**
 * A Promote or Roll back button. Promote into an environment a freeze covers also offers breaking
 * glass: a labelled reason field, posted as `breakGlass` (left empty, the promotion waits for the freeze).
 */
function actionForm(kind: "promote" | "rollback", c: ComponentView, env: string, csrf: string, freeze?: FreezeView): string {
  const label = kind === "promote" ? `Promote to ${env}` : `Roll back ${env}`;
  const glass = kind === "promote" && freeze ? breakGlassField(env) : "";
  return `<form method="post" action="${PORTAL_BASE}/actions/${kind}" class="${glass ? "filters" : "inline"}"><input type="hidden" name="csrf" value="${esc(csrf)}"><input type="hidden" name="project" value="${esc(c.project)}"><input type="hidden" name="component" value="${esc(c.component)}"><input type="hidden" name="environment" value="${esc(env)}">${glass}<button type="submit"${kind === "rollback" ? ' class="secondary"' : ""}>${esc(label)}</button></form>`;
}

/** The break-glass reason field of a promotion into a frozen environment, described by what it needs and what it records. */
function breakGlassField(env: string): string {
  const id = `break-glass-${env}`;
  return `<label for="${esc(id)}">Break glass (reason)<input type="text" id="${esc(id)}" name="breakGlass" maxlength="200" autocomplete="off" aria-describedby="${esc(id)}-hint"></label><p id="${esc(id)}-hint" class="hint">Only to promote through the freeze: needs maintain on the component's app repository. Your login and this reason are recorded on the pull request and the commit that lands it, and notified. Leave it empty to wait for the freeze to end.</p>`;
}

/** One component: its spec in brief, neighbourhood, and each environment's release, health, cost, history and actions. */
export function componentPage(s: PortalSnapshot, c: ComponentView, ctx: PageContext): string {
  const key = `${c.project}/${c.component}`;
  const dependents = s.components.filter((x) => x.dependsOn.includes(key)).map((x) => `${x.project}/${x.component}`);
  const spec = `<section aria-labelledby="spec"><h2 id="spec">Spec</h2><dl>
<dt>Type</dt><dd>${esc(c.type ?? "unknown")}</dd>
<dt>Repository</dt><dd>${c.repo ? esc(c.repo) : "unknown"}</dd>
<dt>Traits</dt><dd>${c.traits.length > 0 ? c.traits.map((t) => `${esc(t.name)} (${esc(t.type)})`).join(", ") : "none"}</dd>
</dl>
${
  c.endpoints.length > 0
    ? `<div class="scroll"><table><caption>Endpoints</caption><thead><tr><th scope="col">Endpoint</th><th scope="col">Protocol</th><th scope="col">Port</th><th scope="col">Visible to</th></tr></thead><tbody>${c.endpoints
        .map((e) => `<tr><th scope="row">${esc(e.name)}</th><td>${esc(e.type)}</td><td>${e.port}</td><td>${esc(e.visibility.join(", "))}</td></tr>`)
        .join("")}</tbody></table></div>`
    : "<p>No endpoints.</p>"
}</section>`;
  const graph = `<section aria-labelledby="deps"><h2 id="deps">Dependencies</h2>${neighbourhoodSvg({ component: key, dependsOn: c.dependsOn, dependents })}</section>`;
  const envs = s.environments
    .map((e) => {
      const cell = c.cells.find((x) => x.environment === e.name) ?? { environment: e.name, history: [] };
      const history =
        cell.history.length > 0
          ? `<div class="scroll"><table><caption>History of ${esc(e.name)}</caption><thead><tr><th scope="col">When</th><th scope="col">Release</th><th scope="col">Source commit</th><th scope="col">Approved by</th><th scope="col">GitOps commit</th></tr></thead><tbody>${cell.history
              .map(
                (h) =>
                  `<tr><td>${when(h.date)}</td><td>${h.release ? `<code>${esc(h.release)}</code>` : "removed"}${h.promotedFrom ? ` from ${esc(h.promotedFrom)}` : ""}</td><td>${
                    h.source
                      ? h.source.url
                        ? `<a href="${esc(h.source.url)}">${esc(h.source.repo)}@${esc(h.source.sha.slice(0, 7))}</a>`
                        : `${esc(h.source.repo)}@${esc(h.source.sha.slice(0, 7))}`
                      : ""
                  }</td><td>${esc(h.approvedBy.join(", "))}</td><td>${h.commitUrl ? `<a href="${esc(h.commitUrl)}">${esc(h.commit.slice(0, 7))}</a>` : esc(h.commit.slice(0, 7))}</td></tr>`,
              )
              .join("")}</tbody></table></div>`
          : "<p>No history.</p>";
      const signals = signalsHtml(e.name, cell.release, cell.signals);
      const freeze = s.freezes?.find((f) => f.environment === e.name);
      const diagnosis = cell.health && cell.health.diagnosis.length > 0 ? `<ul>${cell.health.diagnosis.map((d) => `<li>${esc(d)}</li>`).join("")}</ul>` : "";
      const clusters =
        cell.release && cell.clusters && cell.clusters.length > 0
          ? `<div class="scroll"><table><caption>Clusters of ${esc(e.name)}</caption><thead><tr><th scope="col">Cluster</th><th scope="col">Wave</th><th scope="col">Release</th><th scope="col">Health</th><th scope="col">Since</th></tr></thead><tbody>${cell.clusters
              .map(
                (k) =>
                  `<tr><th scope="row">${esc(k.cluster)}</th><td>${k.wave}</td><td>${k.release ? `<code>${esc(k.release)}</code>` : "not observed"}</td><td>${healthText(k.health)}${k.health.message ? ` ${esc(k.health.message)}` : ""}</td><td>${when(k.since)}</td></tr>`,
              )
              .join("")}</tbody></table></div>`
          : "";
      return `<section aria-labelledby="env-${esc(e.name)}"><h3 id="env-${esc(e.name)}">${esc(e.name)}</h3>
<dl><dt>Release</dt><dd>${cell.release ? `<code>${esc(cell.release)}</code>` : "not deployed"}${cell.since ? `, since ${when(cell.since)}` : ""}</dd>
<dt>Health</dt><dd>${cell.release ? `${cell.clusters ? "all clusters: " : ""}${healthText(cell.health)}` : "n/a"}${cell.health?.message ? ` ${esc(cell.health.message)}` : ""}${diagnosis}</dd>
<dt>Cost</dt><dd>${esc(cell.cost ?? "n/a")}</dd>
<dt>Promotion</dt><dd>${cell.promotion ? gatesText(cell.promotion) : "none open"}</dd>
<dt>Signals</dt><dd>${signals.summary}</dd>${freeze ? `<dt>Freeze</dt><dd>${esc(freeze.reason)}, until ${when(freeze.until)}</dd>` : ""}</dl>
${clusters}${signals.charts}${freeze ? `${actionForm("promote", c, e.name, ctx.csrf, freeze)}<p>${actionForm("rollback", c, e.name, ctx.csrf)}</p>` : `<p>${actionForm("promote", c, e.name, ctx.csrf)} ${actionForm("rollback", c, e.name, ctx.csrf)}</p>`}
${history}</section>`;
    })
    .join("\n");
  return frame({
    title: key,
    login: s.login,
    csrf: ctx.csrf,
    body: `${notice(ctx)}${spec}${graph}<section aria-labelledby="envs"><h2 id="envs">Environments</h2>${envs}</section>`,
  });
}

/** Every environment: where its manifests go, and what it runs. */
export function environmentsPage(s: PortalSnapshot, ctx: PageContext): string {
  const sections = s.environments
    .map((e) => {
      const rows = s.components
        .map((c) => ({ c, cell: c.cells.find((x) => x.environment === e.name) }))
        .filter((r) => r.cell?.release)
        .map(
          ({ c, cell }) =>
            `<tr><th scope="row"><a href="${componentHref(c.project, c.component)}">${esc(c.project)}/${esc(c.component)}</a></th><td><code>${esc(cell!.release)}</code></td><td>${cell!.clusters ? "all clusters: " : ""}${healthText(cell!.health)}${clustersList(cell!, true)}</td><td>${when(cell!.since)}</td><td>${esc(cell!.cost ?? "n/a")}</td></tr>`,
        )
        .join("");
      return `<section aria-labelledby="e-${esc(e.name)}"><h2 id="e-${esc(e.name)}">${esc(e.name)}${e.production ? " (production)" : ""}</h2>
<p>Manifests in ${esc(e.gitops.repo)} on ${esc(e.gitops.branch)}; promotions and rollbacks need ${esc(e.gates.commandPermission)} permission.</p>
${rows ? `<div class="scroll"><table><caption>What ${esc(e.name)} runs</caption><thead><tr><th scope="col">Component</th><th scope="col">Release</th><th scope="col">Health</th><th scope="col">Since</th><th scope="col">Cost per month</th></tr></thead><tbody>${rows}</tbody></table></div>` : "<p>Runs nothing you can see.</p>"}</section>`;
    })
    .join("\n");
  const empty = s.environments.length === 0 ? "<p>You cannot read a repository of any project or environment, so there is nothing to show.</p>" : "";
  return frame({ title: "Environments", login: s.login, csrf: ctx.csrf, current: "environments", body: `${notice(ctx)}${empty}${sections}` });
}

/** Every open promotion pull request with its gates. */
export function promotionsPage(s: PortalSnapshot, ctx: PageContext): string {
  const rows = s.promotions
    .map(
      (p) =>
        `<tr><th scope="row"><a href="${componentHref(p.project, p.component)}">${esc(p.project)}/${esc(p.component)}</a></th><td>${esc(p.environment)}</td><td>${p.release ? `<code>${esc(p.release)}</code>` : ""}</td><td>${gatesText(p)}</td></tr>`,
    )
    .join("");
  const body = rows
    ? `<div class="scroll"><table><caption>Open promotion pull requests</caption><thead><tr><th scope="col">Component</th><th scope="col">Into</th><th scope="col">Release</th><th scope="col">Pull request and gates</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : "<p>No promotion is open.</p>";
  return frame({ title: "Promotions", login: s.login, csrf: ctx.csrf, current: "promotions", body: `${notice(ctx)}${body}` });
}

/** `45 min`, `5 h`, `3 d 2 h`: how old a preview is. */
export function ageText(seconds: number): string {
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  const h = Math.floor((seconds % 86_400) / 3600);
  return `${Math.floor(seconds / 86_400)} d${h > 0 ? ` ${h} h` : ""}`;
}

/** The preview environments of the app repositories the person can read: pull request, components, age, cost, URLs. */
export function previewsPage(login: string, v: PreviewsView, ctx: PageContext): string {
  let body: string;
  if (!v.configured) body = `<p>${esc(v.reason)}</p>`;
  else if (v.previews.length === 0) body = `<p>No preview environment is running in ${esc(v.from)} for a pull request you can see.</p>`;
  else {
    const rows = v.previews
      .map(
        (p) =>
          `<tr><th scope="row"><a href="${esc(p.prUrl)}">${esc(p.repo)}#${p.pr}</a></th><td>${esc(p.components.join(", "))}</td><td>${esc(p.namespaces.join(", "))}</td><td>${esc(ageText(p.ageSeconds))} (since ${when(p.createdAt)})</td><td>${when(p.expiresAt)}</td><td>${esc(p.cost)}</td><td>${
            p.urls.length > 0 ? p.urls.map((u) => `<a href="${esc(u)}" rel="noreferrer">${esc(u)}</a>`).join("<br>") : "none (no route)"
          }</td></tr>`,
      )
      .join("");
    body = `<div class="scroll"><table><caption>Preview environments in ${esc(v.from)}</caption><thead><tr><th scope="col">Pull request</th><th scope="col">Components</th><th scope="col">Namespace</th><th scope="col">Age</th><th scope="col">Expires without a push</th><th scope="col">Cost</th><th scope="col">URL</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  }
  return frame({ title: "Previews", login, csrf: ctx.csrf, current: "previews", body: `${notice(ctx)}${body}` });
}

/** The sign-in page (nothing of the organization on it). */
export function signInPage(reason?: string): string {
  return frame({
    title: "Sign in",
    body: `${reason ? `<p role="status" class="notice refused">${esc(reason)}</p>` : ""}<p>Ferry shows what runs where for the projects whose repositories you can read on GitHub.</p><p><a href="${PORTAL_BASE}/login">Sign in with GitHub</a></p>`,
  });
}

/** A page for an unknown path or a component the person cannot see (the same answer for both). */
export function notFoundPage(login: string, csrf: string): string {
  return frame({ title: "Not found", login, csrf, body: `<p>There is nothing here that you can see. <a href="${PORTAL_BASE}/">Back to the overview</a></p>` });
}
