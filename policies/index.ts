/**
 * The policy engine: checks one component's rendered objects in one environment against the
 * built-in guardrails (as the platform configured them) and the platform's own CEL policies.
 *
 * Pure: no I/O, no state. Every violation is reported, each with the component, environment,
 * resource (`Kind/name`) and what was found; a custom rule that fails to evaluate is an error
 * naming the policy, never a crash.
 */
import { sortKeys } from "../renderers/canonical.js";
import type { CelEngine } from "../renderers/cel.js";
import type { Diagnostic, Severity } from "../renderers/diagnostics.js";
import { formatPath } from "../renderers/diagnostics.js";
import type { Loaded } from "../renderers/load.js";
import type { Component, Environment, Platform, Policy } from "../renderers/model/index.js";
import { namespaceFor } from "../renderers/model/index.js";
import { releasePath } from "../renderers/release.js";
import type { Release } from "../renderers/release.js";
import type { K8sObject, Locator } from "../renderers/types.js";
import type { SourceDocument } from "../renderers/yaml.js";
import { BUILTIN_POLICIES, BUILTIN_POLICY_NAMES } from "./builtins.js";
import { builtinAppliesIn, customAppliesIn, describeSourced, effectiveBuiltin, settingsDiagnostics } from "./settings.js";
import type { PolicyDescription } from "./settings.js";
import { diagnosticIn, sourcedPlatform, sourcedPolicies } from "./sources.js";
import type { Sourced } from "./sources.js";
import type { Violation } from "./types.js";

export { BUILTIN_POLICIES, BUILTIN_POLICY_NAMES, isBuiltinPolicy } from "./builtins.js";
export type { BuiltinPolicyName } from "./builtins.js";
export type { PolicyDescription } from "./settings.js";
export { SETTINGS_CODE } from "./settings.js";
export type { BuiltinPolicy, PolicyContext, Violation } from "./types.js";

interface PolicyInputBase {
  /** The component's rendered objects in this environment. */
  readonly objects: readonly K8sObject[];
  readonly environment: Environment;
  /** The Platform (its `spec.policies` settings and environments). */
  readonly platform: Platform | Loaded<Platform>;
  /** Where the Platform came from, to locate settings errors when `platform` is a bare value. */
  readonly platformSource?: SourceDocument;
  /**
   * The platform's own Policy documents.
   * @default []
   */
  readonly policies?: readonly (Policy | Loaded<Policy>)[];
  readonly cel: CelEngine;
  /**
   * Namespace the component lands in.
   * @default the environment's namespace template resolved for the component's project
   */
  readonly namespace?: string;
  /** Locates fields of the component's source document: findings then point at its file and line. */
  readonly locate?: Locator;
  /**
   * File a rendered object is written to, named in findings when there is no `locate`.
   * @default `<project>/<component>/<kind>-<name>.yaml`
   */
  readonly outputPath?: (obj: K8sObject) => string;
  /**
   * Whether to check the platform's policy settings and Policy documents too (unknown names,
   * unknown environments, rules that do not parse). Callers checking many components can run
   * `checkPolicySettings` once and pass false here to avoid repeating those findings.
   * @default true
   */
  readonly checkSettings?: boolean;
}

/** One component in one environment: given as a release (preferred) or as the component itself. */
export type PolicyInput = PolicyInputBase &
  ({ readonly release: Release; readonly component?: undefined } | { readonly component: Component; readonly release?: undefined });

/** The component identity findings and rules see. */
interface Subject {
  readonly component: Component;
  readonly release: Release | undefined;
  readonly project: string;
  readonly name: string;
  readonly namespace: string;
}

/** Checks the platform's policy settings and Policy documents once (see `checkSettings`). */
export function checkPolicySettings(
  platform: Platform | Loaded<Platform>,
  policies: readonly (Policy | Loaded<Policy>)[],
  cel: CelEngine,
  platformSource?: SourceDocument,
): Diagnostic[] {
  return settingsDiagnostics(sourcedPlatform(platform, platformSource), sourcedPolicies(policies), cel);
}

/** Policies in force on a platform, built-ins first, for docs and listings. */
export function describePolicies(platform: Platform | Loaded<Platform>, customPolicies: readonly (Policy | Loaded<Policy>)[] = []): PolicyDescription[] {
  return describeSourced(sourcedPlatform(platform).value, sourcedPolicies(customPolicies));
}

/**
 * Every policy finding for one component in one environment: settings problems (unless
 * `checkSettings` is false), then built-ins in registry order, then platform policies by name.
 * Codes are `policy/<name>` (`policy/settings` for settings problems); every finding of a policy
 * names it in `policy` (the Policy's `metadata.name` or the built-in's id).
 */
export function checkPolicies(input: PolicyInput): Diagnostic[] {
  const platform = sourcedPlatform(input.platform, input.platformSource);
  const policies = sourcedPolicies(input.policies ?? []);
  const component = input.release ? input.release.spec.component : input.component;
  const project = component.metadata.project;
  const subject: Subject = {
    component,
    release: input.release,
    project,
    name: component.metadata.name,
    namespace: input.namespace ?? namespaceFor(input.environment, project),
  };
  const out: Diagnostic[] = input.checkSettings === false ? [] : settingsDiagnostics(platform, policies, input.cel);
  const settings = platform.value.spec.policies;
  const report = makeReporter(input, subject);

  for (const name of BUILTIN_POLICY_NAMES) {
    const eff = effectiveBuiltin(name, settings);
    if (!builtinAppliesIn(eff, input.environment)) continue;
    const violations = BUILTIN_POLICIES[name].check({ objects: input.objects, component, environment: input.environment, settings });
    for (const v of violations) out.push(report(name, eff.severity, v));
  }
  const applicable = policies.filter(
    // A Policy named like a built-in is reported by the settings check and never run.
    (p) => !Object.prototype.hasOwnProperty.call(BUILTIN_POLICIES, p.value.metadata.name) && customAppliesIn(p.value, input.environment),
  );
  if (applicable.length > 0) {
    const base = ruleContext(input, subject);
    for (const policy of applicable) out.push(...checkCustom(policy, input, subject, base, report));
  }
  return out;
}

type Reporter = (policy: string, severity: Severity, v: Violation) => Diagnostic;

function makeReporter(input: PolicyInput, subject: Subject): Reporter {
  const outputPath = input.outputPath ?? ((obj: K8sObject) => `${subject.project}/${subject.name}/${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`);
  return (policy, severity, v) => {
    const scope = {
      component: `${subject.project}/${subject.name}`,
      environment: input.environment.name,
      resource: v.object ? `${v.object.kind}/${v.object.metadata.name}` : `Component/${subject.name}`,
      policy,
    };
    const code = `policy/${policy}`;
    if (input.locate) {
      const at = input.locate(v.source);
      return { severity, ...at, field: formatPath(v.source), message: v.message, code, ...scope };
    }
    if (v.object) {
      return { severity, file: outputPath(v.object), line: 0, column: 0, field: formatPath(v.path), message: v.message, code, ...scope };
    }
    // About the inputs, with no source document: point into the frozen release when there is one.
    const file = subject.release ? releasePath(subject.release) : `${subject.project}/${subject.name}`;
    const field = subject.release ? formatPath(["spec", "component", ...v.path]) : formatPath(v.path);
    return { severity, file, line: 0, column: 0, field, message: v.message, code, ...scope };
  };
}

/** The CEL context of platform policy rules, without `object` (added per rendered object). */
function ruleContext(input: PolicyInput, subject: Subject): Record<string, unknown> {
  return {
    metadata: {
      name: subject.name,
      project: subject.project,
      environment: input.environment.name,
      namespace: subject.namespace,
      release: subject.release?.metadata.name ?? "",
      labels: subject.component.metadata.labels ?? {},
    },
    // The Platform environment, as `target` is in templates (name, production, gitops, ...).
    target: sortKeys(input.environment),
    component: subject.component.spec,
  };
}

const COMPONENT_SOURCE = ["metadata", "name"] as const;

function checkCustom(policy: Sourced<Policy>, input: PolicyInput, subject: Subject, base: Record<string, unknown>, report: Reporter): Diagnostic[] {
  const { metadata, spec } = policy.value;
  try {
    input.cel.compile(spec.rule);
  } catch {
    return []; // a rule that does not parse is a settings problem, reported once by the settings check
  }
  const kinds = spec.match.kinds;
  const out: Diagnostic[] = [];
  for (const object of input.objects) {
    if (kinds.length > 0 && !kinds.includes(object.kind)) continue;
    let holds: boolean;
    try {
      holds = input.cel.test(spec.rule, { ...base, object });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      out.push({
        ...diagnosticIn(
          policy,
          ["spec", "rule"],
          `Policy ${JSON.stringify(metadata.name)} could not be checked on ${object.kind}/${object.metadata.name}: ${reason}`,
          `policy/${metadata.name}`,
        ),
        component: `${subject.project}/${subject.name}`,
        environment: input.environment.name,
        resource: `${object.kind}/${object.metadata.name}`,
        policy: metadata.name,
      });
      continue;
    }
    if (holds) continue;
    out.push(
      report(metadata.name, spec.severity, {
        object,
        path: [],
        source: COMPONENT_SOURCE,
        message: `${spec.message} (rule ${JSON.stringify(spec.rule)} is false)`,
      }),
    );
  }
  return out;
}
