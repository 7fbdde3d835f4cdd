/**
 * Checking the platform as a whole and merging built-ins into a {@link PlatformBundle}: the
 * pipeline, freezes, GitOps targets, namespaces, allowed traits and the policy settings. Lives above
 * `renderers/` and `policies/` because it needs both.
 */
import { checkPolicySettings } from "../policies/index.js";
import { CelEngine } from "../renderers/cel.js";
import type { Diagnostic } from "../renderers/diagnostics.js";
import type { PlatformSources } from "../renderers/load.js";
import type { Platform } from "../renderers/model/index.js";
import { DnsLabel, NAMESPACE_TOKEN } from "../renderers/model/index.js";
import type { Builtins, PlatformBundle } from "../renderers/platform.js";
import { diagnosticAt } from "../renderers/yaml.js";
import { checkNotifications } from "./notifications/check.js";
import { checkBundles } from "./bundles/check.js";
import { checkPreviews } from "./preview-env/check.js";
import { checkObservability } from "./signals/check.js";

/** Merges built-ins and checks the platform as a whole; undefined when it has errors. */
export function buildPlatformBundle(
  sources: PlatformSources,
  builtins: Builtins,
  diagnostics: Diagnostic[],
  cel: CelEngine = new CelEngine(),
): PlatformBundle | undefined {
  const loaded = sources.platform;
  if (!loaded) return undefined;
  const before = diagnostics.filter((d) => d.severity === "error").length;
  const { spec } = loaded.value;
  const doc = loaded.source;

  const unique = (names: readonly string[], path: (i: number) => (string | number)[], what: string) => {
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (seen.has(n)) diagnostics.push(diagnosticAt(doc, path(i), `${what} ${JSON.stringify(n)} is declared twice`));
      seen.add(n);
    });
  };
  unique(
    spec.projects.map((p) => p.name),
    (i) => ["spec", "projects", i, "name"],
    "project",
  );
  unique(
    spec.environments.map((e) => e.name),
    (i) => ["spec", "environments", i, "name"],
    "environment",
  );

  const envNames = new Set(spec.environments.map((e) => e.name));
  spec.pipeline.forEach((step, i) => {
    if (!envNames.has(step.from)) diagnostics.push(diagnosticAt(doc, ["spec", "pipeline", i, "from"], `unknown environment ${JSON.stringify(step.from)}`));
    step.to.forEach((to, j) => {
      if (!envNames.has(to)) diagnostics.push(diagnosticAt(doc, ["spec", "pipeline", i, "to", j], `unknown environment ${JSON.stringify(to)}`));
      if (to === step.from) diagnostics.push(diagnosticAt(doc, ["spec", "pipeline", i, "to", j], `environment ${JSON.stringify(to)} cannot promote to itself`));
    });
  });
  spec.freezes.forEach((freeze, i) => {
    freeze.environments.forEach((name, j) => {
      if (!envNames.has(name))
        diagnostics.push(
          diagnosticAt(
            doc,
            ["spec", "freezes", i, "environments", j],
            `unknown environment ${JSON.stringify(name)}; the platform has ${[...envNames].join(", ")}`,
          ),
        );
    });
  });
  const cycle = findCycle(spec.pipeline);
  if (cycle) diagnostics.push(diagnosticAt(doc, ["spec", "pipeline"], `the pipeline has a cycle: ${cycle.join(" -> ")}`));

  const targets = new Map<string, number>();
  spec.environments.forEach((env, i) => {
    const key = `${env.gitops.repo}@${env.gitops.branch}:${env.gitops.path ?? `environments/${env.name}`}`;
    const other = targets.get(key);
    if (other !== undefined) {
      diagnostics.push(
        diagnosticAt(
          doc,
          ["spec", "environments", i, "gitops"],
          `environment ${JSON.stringify(env.name)} writes to the same GitOps target as ${JSON.stringify(spec.environments[other]?.name)} (${key})`,
        ),
      );
    }
    targets.set(key, i);
    const problem = checkNamespaceTemplate(env.namespace);
    if (problem) diagnostics.push(diagnosticAt(doc, ["spec", "environments", i, "namespace"], problem));
    if (env.approvals.teams.length > 0 && env.approvals.required === 0) {
      diagnostics.push(
        diagnosticAt(doc, ["spec", "environments", i, "approvals", "required"], "approvals.teams is set but approvals.required is 0", { severity: "warning" }),
      );
    }
  });

  const componentTypes = new Map(builtins.componentTypes);
  for (const t of sources.componentTypes) componentTypes.set(t.value.metadata.name, t.value);
  const traits = new Map(builtins.traits);
  for (const t of sources.traits) traits.set(t.value.metadata.name, t.value);
  for (const t of sources.componentTypes) {
    t.value.spec.allowedTraits.forEach((name, i) => {
      if (!traits.has(name))
        diagnostics.push(
          diagnosticAt(t.source, ["spec", "allowedTraits", i], `unknown trait ${JSON.stringify(name)}; known: ${[...traits.keys()].sort().join(", ")}`),
        );
    });
  }

  diagnostics.push(...checkPolicySettings(loaded.value, sources.policies, cel, doc));
  diagnostics.push(...checkObservability(loaded, sources.componentTypes));
  diagnostics.push(...checkPreviews(loaded));
  diagnostics.push(...checkNotifications(loaded));
  diagnostics.push(...checkBundles(loaded));
  if (diagnostics.filter((d) => d.severity === "error").length > before) return undefined;
  return { platform: loaded.value, platformSource: doc, componentTypes, traits, policies: sources.policies };
}

function checkNamespaceTemplate(template: string): string | undefined {
  const rest = template.replace(NAMESPACE_TOKEN, "x");
  if (rest.includes("${")) return `namespace ${JSON.stringify(template)} may only use \${metadata.project} and \${metadata.environment}`;
  if (!DnsLabel.safeParse(rest).success) return `namespace ${JSON.stringify(template)} does not make a DNS-1123 label`;
  return undefined;
}

function findCycle(pipeline: Platform["spec"]["pipeline"]): string[] | undefined {
  const edges = new Map<string, string[]>();
  for (const s of pipeline) edges.set(s.from, [...(edges.get(s.from) ?? []), ...s.to]);
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === "done") return undefined;
    if (state.get(n) === "visiting") return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, "visiting");
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, "done");
    return undefined;
  };
  for (const n of [...edges.keys()].sort()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}
