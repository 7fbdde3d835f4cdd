/**
 * The policies in force: built-ins as the platform switched them off or re-scoped them, plus the
 * platform's own Policy documents. Also checks those settings, once per platform.
 */
import type { CelEngine } from "../renderers/cel.js";
import type { Diagnostic, Severity } from "../renderers/diagnostics.js";
import type { Environment, Platform, Policy, PolicySettings } from "../renderers/model/index.js";
import { BUILTIN_POLICIES, BUILTIN_POLICY_NAMES, isBuiltinPolicy } from "./builtins.js";
import type { BuiltinPolicyName } from "./builtins.js";
import { diagnosticIn } from "./sources.js";
import type { Sourced } from "./sources.js";

/** Code of diagnostics about policy settings and Policy documents. */
export const SETTINGS_CODE = "policy/settings";

/** A built-in policy with the platform's settings applied. */
export interface EffectiveBuiltin {
  readonly name: BuiltinPolicyName;
  readonly enabled: boolean;
  readonly severity: Severity;
  /** Environment names set by `policies.configure.<name>.environments`; undefined keeps the default scope. */
  readonly environments: readonly string[] | undefined;
}

/** How the platform's settings leave built-in `name`. */
export function effectiveBuiltin(name: BuiltinPolicyName, settings: PolicySettings): EffectiveBuiltin {
  const def = BUILTIN_POLICIES[name];
  const conf = Object.prototype.hasOwnProperty.call(settings.configure, name) ? settings.configure[name] : undefined;
  return {
    name,
    enabled: !settings.disable.includes(name),
    severity: conf?.severity ?? def.severity,
    environments: conf?.environments,
  };
}

/** Whether an enabled built-in checks `env`: the configured environments, else its default scope. */
export function builtinAppliesIn(eff: EffectiveBuiltin, env: Environment): boolean {
  if (!eff.enabled) return false;
  if (eff.environments !== undefined) return eff.environments.includes(env.name);
  return BUILTIN_POLICIES[eff.name].scope === "all" || env.production;
}

/** Whether a platform Policy checks `env` (all environments when it lists none). */
export function customAppliesIn(policy: Policy, env: Environment): boolean {
  return policy.spec.environments.length === 0 || policy.spec.environments.includes(env.name);
}

/**
 * Problems in the platform's policy settings and Policy documents: unknown built-in names in
 * `policies.disable` / `policies.configure`, unknown environment names, Policy documents named
 * like a built-in, and rules that do not parse. All are errors except a configured built-in that
 * is also disabled (a warning). A finding about one policy (a Policy document, or a built-in's
 * configure entry) names it in `policy`.
 */
export function settingsDiagnostics(platform: Sourced<Platform>, policies: readonly Sourced<Policy>[], cel: CelEngine): Diagnostic[] {
  const out: Diagnostic[] = [];
  const settings = platform.value.spec.policies;
  const envNames = platform.value.spec.environments.map((e) => e.name);
  const customNames = new Set(policies.map((p) => p.value.metadata.name));
  const base = ["spec", "policies"];
  const unknownName = (name: string, where: string): string =>
    customNames.has(name)
      ? `${JSON.stringify(name)} in ${where} is a platform Policy, not a built-in; edit or remove its Policy document instead`
      : `unknown built-in policy ${JSON.stringify(name)} in ${where}; built-ins are ${BUILTIN_POLICY_NAMES.join(", ")}`;
  const checkEnvironments = (policy: string, doc: Sourced<unknown>, list: readonly string[], path: readonly (string | number)[]) => {
    list.forEach((env, j) => {
      if (envNames.includes(env)) return;
      out.push({
        ...diagnosticIn(doc, [...path, j], `unknown environment ${JSON.stringify(env)}; the platform has ${envNames.join(", ")}`, SETTINGS_CODE),
        policy,
      });
    });
  };

  settings.disable.forEach((name, i) => {
    if (!isBuiltinPolicy(name)) out.push(diagnosticIn(platform, [...base, "disable", i], unknownName(name, "policies.disable"), SETTINGS_CODE));
  });
  for (const [name, conf] of Object.entries(settings.configure)) {
    const path = [...base, "configure", name];
    if (!isBuiltinPolicy(name)) {
      out.push(diagnosticIn(platform, path, unknownName(name, "policies.configure"), SETTINGS_CODE, "error", true));
      continue;
    }
    if (settings.disable.includes(name)) {
      out.push({
        ...diagnosticIn(
          platform,
          path,
          `built-in policy ${JSON.stringify(name)} is disabled, so its configure entry has no effect`,
          SETTINGS_CODE,
          "warning",
          true,
        ),
        policy: name,
      });
    }
    if (conf.environments) checkEnvironments(name, platform, conf.environments, [...path, "environments"]);
  }

  for (const p of policies) {
    const name = p.value.metadata.name;
    if (isBuiltinPolicy(name)) {
      out.push({
        ...diagnosticIn(
          p,
          ["metadata", "name"],
          `Policy ${JSON.stringify(name)} has the name of a built-in policy; rename it (built-ins are re-scoped with policies.configure)`,
          SETTINGS_CODE,
        ),
        policy: name,
      });
    }
    checkEnvironments(name, p, p.value.spec.environments, ["spec", "environments"]);
    try {
      cel.compile(p.value.spec.rule);
    } catch (e) {
      out.push({
        ...diagnosticIn(
          p,
          ["spec", "rule"],
          `Policy ${JSON.stringify(name)}: the rule does not parse: ${e instanceof Error ? e.message : String(e)}`,
          `policy/${name}`,
        ),
        policy: name,
      });
    }
  }
  return out;
}

/** One policy in force, for docs, `ferry` listings and the MCP server. */
export interface PolicyDescription {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  /** Environments it checks (empty when disabled). */
  readonly environments: readonly string[];
  readonly source: "builtin" | "platform";
  /** False for built-ins switched off by `policies.disable`. */
  readonly enabled: boolean;
  /** Kinds it looks at; empty means every kind. */
  readonly appliesTo: readonly string[];
}

/** Built-ins (registry order) then the platform's policies (by name), with settings applied. */
export function describeSourced(platform: Platform, policies: readonly Sourced<Policy>[]): PolicyDescription[] {
  const envs = platform.spec.environments;
  const builtins = BUILTIN_POLICY_NAMES.map((name): PolicyDescription => {
    const eff = effectiveBuiltin(name, platform.spec.policies);
    const def = BUILTIN_POLICIES[name];
    return {
      name,
      description: def.description,
      severity: eff.severity,
      environments: envs.filter((e) => builtinAppliesIn(eff, e)).map((e) => e.name),
      source: "builtin",
      enabled: eff.enabled,
      appliesTo: [...def.appliesTo],
    };
  });
  const custom = policies.map(({ value: p }): PolicyDescription => ({
    name: p.metadata.name,
    description: p.spec.message,
    severity: p.spec.severity,
    environments: envs.filter((e) => customAppliesIn(p, e)).map((e) => e.name),
    source: "platform",
    enabled: true,
    appliesTo: [...p.spec.match.kinds],
  }));
  return [...builtins, ...custom];
}
