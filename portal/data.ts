/**
 * What the portal shows, gathered from what Ferry already reads: the platform (platform
 * repository), each environment's GitOps files and commit trailers (history), the open promotion
 * pull requests with their `Ferry / gates` check, and the clusters' health (the runtime's
 * observer). One port ({@link PortalData}) with one implementation ({@link ferryPortalData}).
 *
 * A person sees only the projects one of whose repositories their own token can read
 * (adapters/github/people.ts `roleOn`); the rest is read with the app's installation client.
 * The same rule holds for the environments: a person sees every environment when they see a
 * project (its components' cells name them all), else only the environments whose GitOps
 * repository they can read; a person who can read none of these repositories sees nothing of
 * the organization.
 */
import { listOpenPromotions } from "../adapters/github/promotions.js";
import type { EnvironmentStatus } from "../core/status/overview.js";
import type { CausesDiagnosis } from "../core/diagnosis/model.js";
import type { SignalsReport } from "../core/signals/report.js";
import { estimateCost, formatMoney, objectsFromFiles } from "../core/cost.js";
import { environmentView } from "../core/environments.js";
import { pipelineOrder } from "../core/promotion/pipeline.js";
import { parseReleaseFile } from "../core/release/state.js";
import { linkValues, observabilityLinks } from "../core/signals/links.js";
import type { ClusterCellView, ComponentView, HealthView, PreviewView, PromotionView, SignalsView } from "../presentation/portal/view.js";
import { readPreviews } from "../adapters/git/previews.js";
import { listedPreview } from "../core/preview-env/records.js";
import { doraFigures } from "../core/dora/figures.js";
import { weeklyDora } from "../core/dora/trend.js";
import { freezesCovering } from "../core/promotion/freezes.js";
import { readEnvironmentFacts } from "../flows/dora/read.js";
import { errorText } from "../flows/errors.js";
import type { ComponentHealth } from "../core/status/health.js";
import type { Diagnosis } from "../core/status/diagnose.js";
import { clusterSince, type HistoryEntry } from "../core/history.js";
import type { PortalData, PortalPerson, PortalSignalsRequest, SignalsReader } from "./ports.js";
import { roleOn } from "../adapters/github/people.js";
import type { GitHub } from "../adapters/github/types.js";
import { parseRepoRef } from "../adapters/github/types.js";
import { RunContext } from "../flows/run-context.js";
import type { FlowServices } from "../flows/services.js";
import { promotionContext } from "../flows/promotion/context.js";
import { serverUrlOf } from "../adapters/github/gitops-targets.js";
import type { PromotionContext, PromotionDeps } from "../flows/promotion/context.js";
import { readComponentHistory } from "../flows/promotion/reads.js";
import { prometheusOfEnvironment } from "../flows/signals/read.js";
import { appEvidencePorts, dependencySpan } from "../flows/diagnosis/app-evidence.js";
import { gatherEvidence } from "../flows/diagnosis/evidence.js";
import { readEnvironmentSignals, type EnvironmentSignalsDeps } from "../flows/signals/release-reader.js";
import { readEnvironment, type EnvironmentSnapshot } from "../adapters/git/environment.js";
import type { ResolvedTarget } from "../adapters/github/gitops-targets.js";
import { findEnvironment } from "../renderers/platform.js";
import { durationSeconds, namespaceFor, type Environment, type Platform } from "../renderers/model/index.js";

/** Weeks the DORA page covers (its window and its trend chart). */
export const DORA_WEEKS = 8;

/** What the implementation needs of the app. */
export interface PortalDataDeps {
  /** The app's installation client for the platform repository's organization. */
  readonly installation: () => Promise<GitHub>;
  readonly deps: () => PromotionDeps & Pick<FlowServices, "clusterRuntime" | "observeSignals">;
  /** The signals reader. @default the release's signals from its environment's GitOps history and Prometheus (flows/signals/release-reader.ts) */
  readonly signals?: SignalsReader;
  /** The environment's Prometheus for the default reader. @default the cluster runtime's (bearer tokens from its environment), else the endpoint without a token */
  readonly prometheusOf?: EnvironmentSignalsDeps["prometheusOf"];
  /** Milliseconds since the epoch, for the default reader. @default Date.now */
  readonly now?: () => number;
}

/** The release's signals in `env` with the platform's links, or why they were not observed. */
async function signalsOf(
  read: SignalsReader,
  platform: Platform,
  env: Environment,
  req: PortalSignalsRequest,
  diagnose: (report: SignalsReport, landedAt: number | undefined) => Promise<CausesDiagnosis>,
): Promise<SignalsView> {
  let report;
  try {
    report = await read(req);
  } catch {
    return { observed: false, reason: NOT_READ };
  }
  if (!report) return { observed: false, reason: NOT_READ };
  const landedAt = req.landedAt ? Math.floor(req.landedAt.getTime() / 1000) : undefined;
  // A failed verification shows its likely causes, with the evidence (flows/diagnosis): dependencies, pods, logs.
  const causes = report.verdict === "failed" ? await diagnose(report, landedAt).catch(() => undefined) : undefined;
  return {
    observed: true,
    report,
    ...(landedAt !== undefined ? { landedAt } : {}),
    ...(causes ? { causes } : {}),
    links: observabilityLinks(platform.spec.observability?.links ?? {}, linkValues(report, namespaceFor(env, req.project))),
  };
}

const NOT_READ = "the signals could not be read";

function healthView(h: ComponentHealth, d: Diagnosis): HealthView {
  return {
    status: h.status,
    ready: h.readyReplicas,
    desired: h.desiredReplicas,
    message: h.message,
    diagnosis: d.findings.map((f) => `${f.cause}: ${f.suggestion}`),
  };
}

/** The component's health in `env` (on several clusters: the aggregate) and, on several clusters, each cluster's with the release it carries and since when. */
function healthOf(
  statuses: readonly EnvironmentStatus[],
  env: string,
  entries: readonly HistoryEntry[],
): { health?: HealthView; clusters?: ClusterCellView[] } {
  const e = statuses.find((s) => s.environment === env);
  const c = e?.components[0];
  if (!e || e.skipped || e.unreachable || !c) return {};
  const clusters = c.clusters?.map((k): ClusterCellView => {
    const release = k.health.release ?? k.health.desiredRelease;
    const since = release ? clusterSince(entries, k.name, release) : undefined;
    return { cluster: k.name, wave: k.wave, ...(release ? { release } : {}), ...(since ? { since } : {}), health: healthView(k.health, k.diagnosis) };
  });
  return { health: healthView(c.health, c.diagnosis), ...(clusters ? { clusters } : {}) };
}

/** Whether the person can read a repository (`owner/name`), asked once per repository. */
type CanRead = (repo: string) => Promise<boolean>;

function readsWith(person: PortalPerson): CanRead {
  const roles = new Map<string, Promise<string>>();
  return async (repo) => {
    const key = repo.toLowerCase();
    if (!roles.has(key)) roles.set(key, roleOn(person.octokit, parseRepoRef(repo)));
    return (await roles.get(key)!) !== "none";
  };
}

async function visibleProjects(ctx: PromotionContext, reads: CanRead): Promise<string[]> {
  const visible: string[] = [];
  for (const p of ctx.bundle.platform.spec.projects) {
    for (const repo of p.repos) {
      if (await reads(repo)) {
        visible.push(p.name);
        break;
      }
    }
  }
  return visible.sort();
}

/** Open promotion pull requests of the projects shown, each gate's state as Ferry's own `Ferry / gates` check reports it (the listing `ferry promotions` prints). */
async function openPromotions(ctx: PromotionContext, projects: ReadonlySet<string>): Promise<PromotionView[]> {
  const listed = await listOpenPromotions(ctx.octokit, ctx.bundle.platform, { appId: await ctx.deps.appId() });
  return listed
    .filter((p) => projects.has(p.project))
    .map((p) => ({
      repo: p.repo,
      number: p.number,
      url: p.url,
      project: p.project,
      component: p.component,
      environment: p.to,
      release: p.release,
      title: p.title,
      gatesState: p.gates ? (p.gates.conclusion ?? "in progress") : "not evaluated",
      gates: (p.gates?.gates ?? []).map((g) => ({ name: g.name, state: g.state, detail: g.summary })),
    }));
}

/** The portal's data from the platform, the GitOps repositories, GitHub and the clusters. */
export function ferryPortalData(input: PortalDataDeps): PortalData {
  return {
    async snapshot(person) {
      const deps = input.deps();
      const octokit = await input.installation();
      const ctx = await promotionContext(new RunContext(octokit, deps), deps);
      const platform = ctx.bundle.platform;
      const reads = readsWith(person);
      const projects = await visibleProjects(ctx, reads);
      const shown = new Set(projects);
      const order = pipelineOrder(platform);
      const envs = [];
      for (const e of order.map((n) => findEnvironment(platform, n)!)) {
        if (projects.length > 0 || (await reads(e.gitops.repo))) envs.push(e);
      }
      const snapshots = new Map<string, EnvironmentSnapshot<ResolvedTarget>>();
      for (const env of envs) snapshots.set(env.name, await readEnvironment(deps.gitops, await ctx.resolver.resolve(env), deps.cacheDir));
      const keys = new Set<string>();
      for (const s of snapshots.values()) for (const c of s.state.components.values()) if (shown.has(c.project)) keys.add(`${c.project}/${c.component}`);
      const promotions = await openPromotions(ctx, shown);
      const components: ComponentView[] = [];
      for (const key of [...keys].sort()) {
        const [project, component] = key.split("/") as [string, string];
        const history = await readComponentHistory(ctx, project, component);
        const statuses = deps.clusterRuntime?.overview({ project, component, environments: order }) ?? [];
        let spec: ReturnType<typeof parseReleaseFile>;
        const cells = [];
        for (const env of envs) {
          const snap = snapshots.get(env.name)!;
          const deployed = snap.state.components.get(key);
          const entries = history.environments.get(env.name) ?? [];
          const current = entries[0];
          const release = deployed?.release;
          if (release && !spec) spec = parseReleaseFile(snap.releaseFiles.get(`releases/${project}/${component}/${release}.yaml`) ?? "");
          const server = serverUrlOf(snap.target);
          const cost = deployed ? estimateCost(objectsFromFiles(deployed.files).objects, platform.spec.pricing) : undefined;
          const { health, clusters } = release ? healthOf(statuses, env.name, entries) : {};
          const promotion = promotions.find((p) => p.project === project && p.component === component && p.environment === env.name);
          const since = release && current?.release === release ? current.date : undefined;
          const drift =
            release && current?.release && current.release !== release ? `the manifests carry ${release}, the last commit says ${current.release}` : undefined;
          cells.push({
            environment: env.name,
            ...(release ? { release } : {}),
            ...(since ? { since } : {}),
            ...(health ? { health } : {}),
            ...(clusters ? { clusters } : {}),
            ...(promotion ? { promotion } : {}),
            ...(drift ? { drift } : {}),
            ...(cost ? { cost: `${formatMoney(cost.monthly, cost.currency)} per month` } : {}),
            history: entries.map((h) => ({
              ...(h.release ? { release: h.release } : {}),
              date: h.date,
              commit: h.commit,
              ...(h.repo ? { commitUrl: `${server}/${h.repo}/commit/${h.commit}` } : {}),
              ...(h.source ? { source: { ...h.source, url: `${server}/${h.source.repo}/commit/${h.source.sha}` } } : {}),
              approvedBy: h.approvedBy,
              ...(h.promotedFrom ? { promotedFrom: h.promotedFrom } : {}),
            })),
          });
        }
        const c = spec?.spec.component;
        const repo = history.environments.size > 0 ? [...history.environments.values()].flat().find((h) => h.source)?.source?.repo : undefined;
        components.push({
          project,
          component,
          ...(c ? { type: c.spec.type } : {}),
          ...(repo ? { repo } : {}),
          endpoints: c ? Object.entries(c.spec.endpoints).map(([name, e]) => ({ name, type: e.type, port: e.port, visibility: e.visibility })) : [],
          traits: c ? c.spec.traits.map((t) => ({ type: t.type, name: t.name })) : [],
          dependsOn: c ? [...new Set(c.spec.dependencies.map((d) => `${d.project ?? project}/${d.component}`))].sort() : [],
          cells,
        });
      }
      const now = new Date((input.now ?? Date.now)());
      const freezes = envs.flatMap((e) => {
        const f = freezesCovering(platform.spec.freezes, e.name, now)[0];
        return f ? [{ environment: e.name, reason: f.reason, until: new Date(f.until) }] : [];
      });
      return {
        login: person.login,
        environments: envs.map((e) => environmentView(platform, e)),
        projects,
        components,
        promotions,
        ...(freezes.length > 0 ? { freezes } : {}),
      };
    },
    async previews(person) {
      const deps = input.deps();
      const ctx = await promotionContext(new RunContext(await input.installation(), deps), deps);
      const platform = ctx.bundle.platform;
      const settings = platform.spec.previews;
      if (!settings) return { configured: false, reason: "The platform has no preview environments (spec.previews)." };
      const env = findEnvironment(platform, settings.from);
      if (!env) return { configured: false, reason: `The previews' environment ${settings.from} is not declared.` };
      const target = await ctx.resolver.resolve(env);
      // `ferry preview list`'s records (adapters/git/previews.ts, core/preview-env/records.ts), only those of repositories the person reads.
      const records = await readPreviews(deps.gitops, target.git, platform.spec.pricing, deps.cacheDir);
      const reads = readsWith(person);
      const server = serverUrlOf(target);
      const ttl = durationSeconds(settings.ttl);
      const now = (input.now ?? Date.now)();
      const previews: PreviewView[] = [];
      for (const r of records) {
        if (!(await reads(r.repo))) continue;
        const l = listedPreview(r, ttl);
        const createdAt = new Date(l.createdAt);
        previews.push({
          repo: l.repo,
          pr: l.pr,
          prUrl: `${server}/${l.repo}/pull/${l.pr}`,
          components: l.components,
          namespaces: l.namespaces,
          urls: l.urls,
          createdAt,
          expiresAt: new Date(l.expiresAt),
          ageSeconds: Math.max(0, Math.floor((now - createdAt.getTime()) / 1000)),
          cost: `${formatMoney(l.monthlyCost, l.currency)} per month`,
        });
      }
      return { configured: true, from: env.name, previews };
    },
    async dora(person, req) {
      const deps = input.deps();
      const ctx = await promotionContext(new RunContext(await input.installation(), deps), deps);
      const platform = ctx.bundle.platform;
      const projects = await visibleProjects(ctx, readsWith(person));
      const environments = projects.length > 0 ? pipelineOrder(platform) : [];
      const name = req.environment ?? platform.spec.environments.find((e) => e.production)?.name ?? environments[environments.length - 1];
      const env = name !== undefined && environments.includes(name) ? findEnvironment(platform, name) : undefined;
      if (!env)
        return {
          observed: false,
          environments,
          reason:
            projects.length === 0
              ? "You cannot read a repository of any project, so there is nothing to show."
              : `There is no environment ${name ?? ""} to show.`,
        };
      const now = (input.now ?? Date.now)();
      const until = new Date(Math.floor(now / 1000) * 1000);
      const since = new Date(until.getTime() - DORA_WEEKS * 7 * 86_400_000);
      const shown = new Set(projects);
      let facts;
      let gitopsUrl: string | undefined;
      try {
        const target = await ctx.resolver.resolve(env);
        gitopsUrl = target.htmlUrl.replace(/\/+$/, "");
        facts = await readEnvironmentFacts(
          { octokit: ctx.octokit, resolve: async () => target, gitops: deps.gitops, cacheDir: deps.cacheDir },
          platform,
          env,
          since,
          async (project) => shown.has(project),
        );
      } catch (e) {
        return { observed: false, environments, reason: `The history of ${env.name} could not be read: ${errorText(e)}` };
      }
      return {
        observed: true,
        environment: env.name,
        environments,
        since: since.toISOString(),
        until: until.toISOString(),
        notes: facts.notes,
        ...(gitopsUrl ? { gitopsUrl } : {}),
        projects: projects.map((project) => {
          const components = facts.components.filter((c) => c.component.startsWith(`${project}/`));
          return { project, report: doraFigures({ environment: env.name, since, until, components }), weeks: weeklyDora(components, until, DORA_WEEKS) };
        }),
      };
    },
    async signals(person, req) {
      const deps = input.deps();
      const ctx = await promotionContext(new RunContext(await input.installation(), deps), deps);
      const env = findEnvironment(ctx.bundle.platform, req.environment);
      if (!env) return { observed: false, reason: NOT_READ };
      const prometheusOf: EnvironmentSignalsDeps["prometheusOf"] =
        input.prometheusOf ??
        ((platform, environment) =>
          deps.clusterRuntime?.verification.prometheusOf(platform, environment, deps.observeSignals) ?? prometheusOfEnvironment(platform, environment, {}));
      const read = input.signals ?? ((r: PortalSignalsRequest) => readEnvironmentSignals(ctx, r, { prometheusOf, now: input.now ?? Date.now }));
      // A dependency is named only when the person sees its project (one of its repositories), as on the overview.
      const reads = readsWith(person);
      const sees = async (project: string): Promise<boolean> => {
        for (const repo of ctx.bundle.platform.spec.projects.find((p) => p.name === project)?.repos ?? []) if (await reads(repo)) return true;
        return false;
      };
      const runtime = deps.clusterRuntime;
      const diagnose = (report: SignalsReport, landedAt: number | undefined): Promise<CausesDiagnosis> =>
        gatherEvidence(
          { key: { project: req.project, component: req.component, environment: env.name }, report, landedAt },
          appEvidencePorts(
            {
              ctx: async () => ctx,
              platform: ctx.bundle.platform,
              environment: env,
              key: { project: req.project, component: req.component, environment: env.name },
              release: req.release,
              span: dependencySpan(report.window, landedAt),
              sees,
              // The dependencies' signals through the page's own reader: the same window, the same source.
              dependencySignals: async (dep) => {
                const r = await read({ project: dep.project, component: dep.component, environment: env.name, release: dep.release, landedAt: dep.landedAt });
                if (!r) throw new Error(NOT_READ);
                return r;
              },
              now: input.now ?? Date.now,
            },
            { observer: runtime?.observer, prometheusOf, kubeConfig: runtime?.kubeConfig },
          ),
        );
      return signalsOf(read, ctx.bundle.platform, env, req, diagnose);
    },
  };
}
