/**
 * The app's evidence ports (flows/diagnosis/evidence.ts) for one component in one environment,
 * shared by the status comment of a failed verification (flows/status/rollout-wiring.ts) and the
 * portal's component page (portal/data.ts): the dependencies from the release's frozen Component
 * in the environment's GitOps repository, each dependency's signals from the environment's
 * Prometheus through the cluster runtime's client (its in-flight limit, Ferry's own metrics), the
 * cluster as the runtime's observer holds it, the pods' logs through the runtime's kubeconfig.
 */
import { podLogReader, type PodLogReader } from "../../adapters/kube/pod-logs.js";
import type { KubeConfigSource } from "../../adapters/kube/kubeconfig.js";
import { releaseLanding } from "../../core/history.js";
import type { SignalsReport } from "../../core/signals/report.js";
import type { ClusterSnapshot } from "../../core/status/cluster-objects.js";
import type { ComponentKey } from "../../core/status/components.js";
import type { Environment, Platform } from "../../renderers/model/index.js";
import type { PromotionContext } from "../promotion/context.js";
import { readComponentHistory, readRelease } from "../promotion/reads.js";
import type { EnvironmentPrometheus, SignalWindow } from "../signals/read.js";
import { windowText } from "../signals/read.js";
import { readReleaseSignals } from "../signals/release-report.js";
import type { EvidencePorts } from "./evidence.js";

/** What the app's cluster runtime gives the evidence (flows/status/cluster-runtime.ts has it). */
export interface EvidenceRuntime {
  /** The clusters as observed; none: not observed, said in the notes. */
  readonly observer: { snapshot(context: string): ClusterSnapshot | undefined; isSynced(context?: string): boolean } | undefined;
  /** The environment's Prometheus (with the runtime's in-flight limit). */
  readonly prometheusOf: (platform: Platform, environment: Environment) => EnvironmentPrometheus;
  /** The kubeconfig the clusters are read with; none: the pods' logs are not read. */
  readonly kubeConfig: KubeConfigSource | undefined;
}

/** Input of {@link appEvidencePorts}. */
export interface AppEvidenceInput {
  /** The promotion context (GitOps reads); a rejection is said in the notes. */
  readonly ctx: () => Promise<PromotionContext>;
  readonly platform: Platform;
  readonly environment: Environment;
  readonly key: ComponentKey;
  /** The release whose dependencies are read. */
  readonly release: string;
  /** The span the dependencies' signals are read over (unix seconds): make it reach back before the release landed. */
  readonly span: SignalWindow;
  /** Whether the viewer may see a dependency. */
  readonly sees: EvidencePorts["sees"];
  /**
   * Reads a dependency's signals for the release its GitOps history says runs in the environment
   * (the front end's own reader, e.g. the portal's). @default over `span` from the runtime's Prometheus
   */
  readonly dependencySignals?: (dependency: { project: string; component: string; release: string; landedAt: Date }) => Promise<SignalsReport>;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/**
 * The span a dependency's signals are read over beside a report over `window`: from one window's
 * length before the landing (at most ten windows back), so that a rise upstream before the release
 * landed is seen, to the window's end.
 */
export function dependencySpan(window: SignalWindow, landedAt: number | undefined): SignalWindow {
  const length = Math.max(1, window.to - window.from);
  if (landedAt === undefined) return window;
  return { from: Math.min(window.from, Math.max(landedAt - length, window.from - 10 * length)), to: window.to };
}

/**
 * Whether a reader of `repo` sees a component of `project`: the same project, or one whose
 * repositories (the platform's `projects[].repos`) include `repo`. The status comment's rule: its
 * readers are the app repository's.
 */
export function seenFromRepo(platform: Platform, own: string, repo: string | undefined): (project: string) => boolean {
  return (project) =>
    project === own ||
    (repo !== undefined && (platform.spec.projects.find((p) => p.name === project)?.repos ?? []).some((r) => r.toLowerCase() === repo.toLowerCase()));
}

/** See the module comment. */
export function appEvidencePorts(input: AppEvidenceInput, runtime: EvidenceRuntime): EvidencePorts {
  const { platform, environment: env, key } = input;
  let context: Promise<PromotionContext> | undefined;
  const ctx = () => (context ??= input.ctx());
  const target = async () => (await ctx()).resolver.resolve(env);
  const cluster = env.cluster?.context;
  let podLogs: PodLogReader | undefined;
  try {
    podLogs = cluster !== undefined && runtime.kubeConfig ? podLogReader(cluster, runtime.kubeConfig) : undefined;
  } catch {
    podLogs = undefined; // the context is not in the kubeconfig: the cluster read says so
  }
  return {
    async dependencies() {
      const release = await readRelease(await ctx(), await target(), key.project, key.component, input.release);
      if (!release) throw new Error(`the release file of ${input.release} could not be read`);
      return release.spec.component.spec.dependencies;
    },
    async signalsOf(project, component) {
      const c = await ctx();
      const history = (await readComponentHistory(c, project, component)).environments.get(env.name) ?? [];
      const landing = releaseLanding(history);
      const release = landing?.release;
      if (!landing || release === undefined) throw new Error(`its GitOps history in ${env.name} names no release`);
      if (input.dependencySignals) return input.dependencySignals({ project, component, release, landedAt: landing.date });
      const frozen = await readRelease(c, await target(), project, component, release);
      return readReleaseSignals({
        platform,
        environment: env,
        project,
        component,
        release,
        history,
        ...(frozen ? { frozen: { type: frozen.spec.component.spec.type, componentType: frozen.spec.componentType } } : {}),
        since: windowText(input.span.to - input.span.from),
        now: input.span.to,
        prometheus: runtime.prometheusOf(platform, env),
      });
    },
    async cluster() {
      if (cluster === undefined) return { note: `${env.name} has no cluster context: pods, events and logs not observed` };
      const { observer } = runtime;
      if (!observer) return { note: `the clusters are not observed: pods, events and logs not read` };
      const snapshot = observer.isSynced(cluster) ? observer.snapshot(cluster) : undefined;
      return snapshot ? { snapshot } : { note: `context ${cluster} is not read yet: pods, events and logs not observed` };
    },
    podLogs,
    sees: input.sees,
    now: input.now,
  };
}
