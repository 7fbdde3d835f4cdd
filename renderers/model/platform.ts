/** `kind: Platform`: projects, environments, promotion pipeline, prices and policy settings. */
import { z } from "zod";
import { ApiVersion, DnsLabel, Duration, NamedMetadata, RelativePath, RepoName } from "./common.js";
import { Freeze } from "./freeze.js";
import { Notification } from "./notification.js";
import { Bundle } from "./bundle.js";
import { Previews } from "./preview.js";
import { SignalName, Signals } from "./signal.js";

export const Project = z.strictObject({
  name: DnsLabel,
  /** Repositories (`owner/name`) allowed to declare this project's components. */
  repos: z.array(RepoName).default([]),
  /**
   * Who owns the project: a Backstage entity reference (`group:default/payments-team`, or a bare
   * group name) that the Backstage catalog's System, Components and APIs carry as `spec.owner`.
   */
  owner: z
    .string()
    .regex(/^([a-z]+:)?([A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
      error: (iss) => `${JSON.stringify(iss.input)} is not an owner reference like payments-team or group:default/payments-team`,
    })
    .optional(),
});
export type Project = z.infer<typeof Project>;

export const Permission = z.enum(["read", "triage", "write", "maintain", "admin"]);
export type Permission = z.infer<typeof Permission>;

export const Weekday = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
export type Weekday = z.infer<typeof Weekday>;

const HHMM = "([01]\\d|2[0-3]):[0-5]\\d";
export const ChangeWindow = z.strictObject({
  days: z.array(Weekday).min(1).default(["mon", "tue", "wed", "thu", "fri"]),
  hours: z
    .string()
    .regex(new RegExp(`^${HHMM}-(${HHMM}|24:00)$`), { error: (iss) => `${JSON.stringify(iss.input)} is not a range like 09:00-16:00` })
    .default("00:00-24:00"),
  timezone: z
    .string()
    .default("UTC")
    .refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat("en-US", { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { error: (iss) => `${JSON.stringify(iss.input)} is not an IANA time zone` },
    ),
});
export type ChangeWindow = z.infer<typeof ChangeWindow>;

const HttpUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "http:" || u.protocol === "https:") && u.username === "" && u.password === "";
    } catch {
      return false;
    }
  },
  { error: (iss) => `${JSON.stringify(iss.input)} is not an http(s) URL without credentials` },
);

/** A Prometheus HTTP API endpoint Ferry reads signals from (read only). */
export const PrometheusEndpoint = z.strictObject({
  name: DnsLabel,
  url: HttpUrl,
  /** The environment variable holding a bearer token for this endpoint; none: no Authorization header. */
  bearerTokenEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an environment variable name` })
    .optional(),
});
export type PrometheusEndpoint = z.infer<typeof PrometheusEndpoint>;

export const Observability = z.strictObject({
  prometheus: z.array(PrometheusEndpoint).default([]),
  /** Link templates (logs, traces, dashboards) shown beside signals; Ferry never calls them. */
  links: z.record(DnsLabel, z.string().min(1)).default({}),
});
export type Observability = z.infer<typeof Observability>;

/** An environment's cluster: its kubeconfig context and the Prometheus endpoint watching it. */
export const Cluster = z.strictObject({
  context: z.string().min(1),
  /** The name of an `observability.prometheus` endpoint that sees this cluster's workloads. */
  prometheus: DnsLabel.optional(),
});
export type Cluster = z.infer<typeof Cluster>;

/**
 * One of several clusters an environment spans (`environments[].clusters`): its name (the folder
 * `<gitops path>/<name>/` its manifests go to, and the key of a component's per-cluster overrides),
 * kubeconfig context, Prometheus endpoint and the wave a promotion reaches it in (1 first).
 */
export const NamedCluster = Cluster.extend({
  name: DnsLabel,
  /** The wave a promotion into the environment reaches this cluster in: 1 first. @default 1 */
  wave: z.number().int().min(1).default(1),
});
export type NamedCluster = z.infer<typeof NamedCluster>;

export const Environment = z
  .strictObject({
    name: DnsLabel,
    /** Production environments get the stricter built-in policies (no latest tag, replicas >= 2). */
    production: z.boolean().default(false),
    cluster: Cluster.optional(),
    /** Several clusters instead of one `cluster`: the environment is rendered once per cluster, into `<gitops path>/<cluster>/`. */
    clusters: z.array(NamedCluster).min(1, { error: "clusters lists no cluster; give at least one, or one cluster instead" }).optional(),
    gitops: z.strictObject({
      repo: RepoName,
      branch: z
        .string()
        .regex(/^[A-Za-z0-9._/-]+$/)
        .refine((b) => !b.includes("..") && !b.startsWith("/") && !b.endsWith("/"), {
          error: "not a valid branch name",
        })
        .default("main"),
      path: RelativePath.optional(),
    }),
    /** Namespace template; `${metadata.project}` and `${metadata.environment}` are replaced. */
    namespace: z.string().default("${metadata.project}-${metadata.environment}"),
    autoMerge: z.boolean().default(false),
    approvals: z
      .strictObject({ required: z.number().int().min(0).default(0), teams: z.array(z.string().min(1)).default([]) })
      .default({ required: 0, teams: [] }),
    commandPermission: Permission.default("write"),
    window: ChangeWindow.optional(),
    /** How the `route` trait exposes endpoints: Gateway API HTTPRoute (default) or Ingress. */
    routes: z.enum(["gateway", "ingress"]).default("gateway"),
    /** The Gateway HTTPRoutes attach to, and the namespace public traffic arrives from. */
    gateway: z.strictObject({ name: DnsLabel, namespace: DnsLabel }).default({ name: "ferry", namespace: "gateway-system" }),
    /** IngressClass used when `routes: ingress`. */
    ingressClassName: DnsLabel.optional(),
    /** Whether the source environment must be observed healthy before promoting out of it. */
    requireHealth: z.boolean().default(false),
  })
  .superRefine((env, ctx) => {
    if (env.cluster !== undefined && env.clusters !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["clusters"],
        message: "set cluster or clusters, not both: clusters replaces cluster for an environment on several clusters",
      });
    }
    const first = new Map<string, number>();
    (env.clusters ?? []).forEach((c, i) => {
      const earlier = first.get(c.name);
      if (earlier !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["clusters", i, "name"],
          message: `cluster ${JSON.stringify(c.name)} is already listed as clusters[${earlier}]; cluster names must be unique`,
        });
      else first.set(c.name, i);
    });
  });
export type Environment = z.infer<typeof Environment>;

/** A bound on one signal during verification: an absolute `max` and/or at most `maxIncrease` times the previous release's value. */
export const SignalBound = z
  .strictObject({
    max: z.number().optional(),
    maxIncrease: z.number().positive().optional(),
  })
  .refine((b) => b.max !== undefined || b.maxIncrease !== undefined, { error: "a signal bound needs max, maxIncrease or both" });
export type SignalBound = z.infer<typeof SignalBound>;

/** Verification after the rollout is Healthy in a target: observe the signals this long against their bounds. */
export const Verify = z.strictObject({
  duration: Duration,
  signals: z.record(SignalName, SignalBound).refine((m) => Object.keys(m).length > 0, { error: "verify.signals names no signal" }),
});
export type Verify = z.infer<typeof Verify>;

export const PipelineStep = z.strictObject({
  from: DnsLabel,
  to: z.array(DnsLabel).min(1),
  /** How long the release must be healthy in `from` before promotion gates open. */
  soak: Duration.optional(),
  /**
   * Whether promoting along this step needs the source environment's health observed. Unset: needed when
   * the target is `production: true` or the step sets `soak`. `false` lets an unobserved source pass
   * (reported as not observed); an environment's `requireHealth: true` still demands it.
   */
  requireHealth: z
    .boolean()
    .optional()
    .describe(
      "Whether promoting along this step needs the source environment's health observed. Unset: needed when the target is production: true or the step sets soak. false lets an unobserved source pass (reported as not observed); an environment's requireHealth: true still demands it.",
    ),
  /** After the rollout is Healthy in a target, observe these signals this long before the release counts as verified there. */
  verify: Verify.optional(),
  /** What a failed verification does: `rollback` opens the rollback pull request; `none` (the default) only reports. */
  onFailure: z.enum(["rollback", "none"]).optional(),
  /**
   * For a target on several clusters (`environments[].clusters`): the next wave's promotion opens only
   * after every cluster of the previous wave is Healthy (and verified, with `verify`) for `soak`.
   */
  waves: z.strictObject({ soak: Duration.optional() }).optional(),
});
export type PipelineStep = z.infer<typeof PipelineStep>;

export const Pricing = z.strictObject({
  cpu: z.number().min(0).default(0),
  memory: z.number().min(0).default(0),
  storage: z.number().min(0).default(0),
  currency: z.string().default("USD"),
});
export type Pricing = z.infer<typeof Pricing>;

export const PolicySettings = z.strictObject({
  /** Built-in policies switched off by name. */
  disable: z.array(DnsLabel).default([]),
  /** Built-in policies re-scoped: other severity or environments. */
  configure: z.record(DnsLabel, z.strictObject({ severity: z.enum(["error", "warning"]).optional(), environments: z.array(DnsLabel).optional() })).default({}),
  /** Registries images may come from (prefix match, e.g. `ghcr.io/acme/`); empty allows all. */
  allowedRegistries: z.array(z.string().min(1)).default([]),
});
export type PolicySettings = z.infer<typeof PolicySettings>;

export const PlatformSpec = z.strictObject({
  projects: z.array(Project).min(1),
  environments: z.array(Environment).min(1),
  pipeline: z.array(PipelineStep).default([]),
  pricing: Pricing.default({ cpu: 0, memory: 0, storage: 0, currency: "USD" }),
  policies: PolicySettings.default({ disable: [], configure: {}, allowedRegistries: [] }),
  /** Prometheus endpoints and links; none: signals are never observed. */
  observability: Observability.optional(),
  /** Golden signals for every component (beside the built-in types' defaults); a ComponentType adds or replaces its own. */
  signals: Signals.optional(),
  /** A preview environment per app pull request; unset: none. */
  previews: Previews.optional(),
  /** Times when nothing is promoted into some environments (a maintainer may break glass); none by default. */
  freezes: z.array(Freeze).default([]),
  /** Where Ferry tells people what happened (chat, webhooks); none by default. */
  notifications: z.array(Notification).optional(),
  /** Components promoted together, as one pull request, from an environment on (core/bundles/). */
  bundles: z.array(Bundle).optional(),
});
export type PlatformSpec = z.infer<typeof PlatformSpec>;

export const Platform = z.strictObject({
  apiVersion: ApiVersion,
  kind: z.literal("Platform"),
  metadata: NamedMetadata,
  spec: PlatformSpec,
});
export type Platform = z.infer<typeof Platform>;

/** `${metadata.project}` and `${metadata.environment}` in an environment's namespace template. */
export const NAMESPACE_TOKEN = /\$\{\s*metadata\.(project|environment)\s*\}/g;

/** The namespace a project's components use in an environment. */
export function namespaceFor(env: Environment, project: string): string {
  return env.namespace.replace(NAMESPACE_TOKEN, (_m, what: string) => (what === "project" ? project : env.name));
}

/** The clusters an environment spans, in wave order then name; empty for an environment on one `cluster` (or none). */
export function clustersOf(env: Pick<Environment, "clusters">): readonly NamedCluster[] {
  return [...(env.clusters ?? [])].sort((a, b) => a.wave - b.wave || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The environment as one of its clusters sees it (its `cluster` that cluster's context and
 * `prometheus`), for what is read per cluster (verification, `ferry signals`); the environment
 * itself for an environment on one cluster, or a cluster it does not list.
 */
export function clusterAsEnvironment(environment: Environment, cluster: string | undefined): Environment {
  const c = cluster === undefined ? undefined : environment.clusters?.find((x) => x.name === cluster);
  if (!c) return environment;
  return { ...environment, cluster: { context: c.context, ...(c.prometheus !== undefined ? { prometheus: c.prometheus } : {}) } };
}
