/**
 * Checks of a component against its type and traits, before anything is rendered: allowed and
 * unique traits, parameters and per-environment overrides against their JSON Schemas (defaults
 * applied), CEL validations, and the consistency of the container with its endpoints.
 */
import type { CelEngine } from "../cel.js";
import { CelError } from "../cel.js";
import type { ComponentType, OpenApiSchema, Trait, TraitInstance, Validation } from "../model/index.js";
import type { CompileInput, FieldPath } from "../types.js";
import type { CompileCache } from "./cache.js";
import type { BaseContext } from "./context.js";
import { scopeContext } from "./context.js";
import type { Report } from "./report.js";

/** The type, or one trait instance, with its checked parameters and environment values. */
export interface Scope {
  /** `component type "service"` or `trait "cpu" (autoscaler)`: how messages name it. */
  readonly label: string;
  /** Field of the component document findings about this scope point at. */
  readonly where: FieldPath;
  readonly parameters: Record<string, unknown>;
  readonly environment: Record<string, unknown>;
  /** The CEL context of this scope. */
  readonly context: Record<string, unknown>;
}

export interface TraitScope extends Scope {
  readonly trait: Trait;
  readonly instance: TraitInstance;
  readonly index: number;
}

export interface CheckedComponent {
  readonly type: Scope;
  readonly traits: readonly TraitScope[];
}

const TRAITS_KEY = "traits";

/** Where a field of some input sits in the component document, given its path inside that input. */
type At = (rel: FieldPath) => FieldPath;

/** Fields of an input found under `base`. */
function under(base: FieldPath): At {
  return (rel) => [...base, ...rel];
}

function list(names: Iterable<string>): string {
  const all = [...names].sort();
  return all.length > 0 ? all.join(", ") : "none";
}

/**
 * Validates `data` against an optional schema, reporting each violation at its field under
 * `base`. Without a schema, any field is an error. Returns the data with defaults applied.
 */
function checkAgainst(
  cache: CompileCache,
  report: Report,
  schema: OpenApiSchema | undefined,
  data: Record<string, unknown>,
  at: At,
  what: string,
  owner: string,
): Record<string, unknown> {
  if (!schema) {
    for (const key of Object.keys(data)) {
      report.add(at([key]), `${owner} declares no ${what}, so ${JSON.stringify(key)} cannot be set`, "compile/parameters", { key: true });
    }
    return { ...data };
  }
  try {
    const result = cache.validate(schema.openAPIV3Schema, data);
    for (const issue of result.issues) {
      const path = at(issue.path);
      const where = issue.missing ? { locateAt: path.slice(0, -1), key: true } : { key: issue.key };
      report.add(path, `${issue.message} (${what} of ${owner})`, "compile/parameters", where);
    }
    return result.value;
  } catch (e) {
    report.add(at([]), `${owner} has an invalid ${what} schema: ${e instanceof Error ? e.message : String(e)}`, "compile/schema");
    return { ...data };
  }
}

/**
 * An environment override: only fields the schema's top-level `properties` declare may be set;
 * then the values are checked and defaults applied.
 */
function checkOverride(
  cache: CompileCache,
  report: Report,
  schema: OpenApiSchema | undefined,
  override: Record<string, unknown>,
  at: At,
  owner: string,
): Record<string, unknown> {
  const properties = schema?.openAPIV3Schema.properties;
  const declared = new Set(properties !== null && typeof properties === "object" ? Object.keys(properties) : []);
  const allowed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(override)) {
    if (declared.has(key)) allowed[key] = value;
    else {
      report.add(
        at([key]),
        `${JSON.stringify(key)} cannot be set per environment: ${owner} does not declare it in environmentConfigs; overridable: ${list(declared)}`,
        "compile/override",
        { key: true },
      );
    }
  }
  if (!schema) return allowed;
  return checkAgainst(cache, report, schema, allowed, at, "environmentConfigs", owner);
}

function runValidations(cel: CelEngine, cache: CompileCache, report: Report, validations: readonly Validation[], scope: Scope): void {
  for (const v of validations) {
    try {
      if (!cache.test(cel, v.rule, scope.context)) report.add(scope.where, `${v.message} (${scope.label})`, "compile/validation");
    } catch (e) {
      const reason = e instanceof CelError ? e.message : String(e);
      report.add(scope.where, `validation of ${scope.label} could not be evaluated: ${reason}`, "compile/validation");
    }
  }
}

/** Runs every check; the scopes carry what rendering needs. Findings go to `report`. */
export function checkComponent(input: CompileInput, cache: CompileCache, report: Report, base: BaseContext): CheckedComponent {
  const { component, componentType } = input.release.spec;
  const spec = component.spec;
  const envName = input.environment.name;
  const envBase: FieldPath = ["spec", "environments", envName];
  const { override, at } = effectiveOverride(input, report, envBase);

  const typeLabel = `component type ${JSON.stringify(componentType.metadata.name)}`;
  if (spec.type !== componentType.metadata.name) {
    report.add(["spec", "type"], `the release holds ${typeLabel}, not ${JSON.stringify(spec.type)}`, "compile/type");
  }

  // The type's parameters and environment values.
  const before = report.errorCount;
  const typeParams = checkAgainst(cache, report, componentType.spec.parameters, spec.parameters, under(["spec", "parameters"]), "parameters", typeLabel);
  const { [TRAITS_KEY]: traitOverrides, ...typeOverride } = override;
  const typeEnv = checkOverride(cache, report, componentType.spec.environmentConfigs, typeOverride, at, typeLabel);
  const type: Scope = {
    label: typeLabel,
    where: ["spec", "type"],
    parameters: typeParams,
    environment: typeEnv,
    context: scopeContext(base, typeParams, typeEnv),
  };
  checkContainer(input, report);
  const typeOk = report.errorCount === before;

  // Trait instances.
  const traits = checkTraits(input, cache, report, base, componentType, (traitOverrides ?? {}) as Record<string, unknown>, at);

  if (typeOk) runValidations(input.cel, cache, report, componentType.spec.validations, type);
  return { type, traits };
}

const CLUSTERS_KEY = "clusters";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** `over` merged over `base`: plain objects field by field, anything else (scalars, lists) replaced. */
export function mergeOverride(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const was = out[key];
    out[key] = isPlainObject(was) && isPlainObject(value) ? mergeOverride(was, value) : value;
  }
  return out;
}

/**
 * The overrides of the environment (and, rendering one cluster of an environment on several, that
 * cluster's `clusters.<name>` merged over them). Per-cluster overrides for a cluster the environment
 * does not span are errors, found at their key.
 */
function effectiveOverride(input: CompileInput, report: Report, envBase: FieldPath): { override: Record<string, unknown>; at: At } {
  const env = input.environment;
  const { [CLUSTERS_KEY]: perCluster, ...override } = (input.release.spec.component.spec.environments[env.name] ?? {}) as Record<string, unknown>;
  if (!isPlainObject(perCluster)) return { override, at: under(envBase) };
  const spanned = (env.clusters ?? []).map((c) => c.name);
  for (const name of Object.keys(perCluster)) {
    if (spanned.includes(name)) continue;
    const why =
      spanned.length === 0
        ? `environment ${JSON.stringify(env.name)} runs on one cluster, so it has no per-cluster overrides (the platform lists no environments[].clusters for it)`
        : `environment ${JSON.stringify(env.name)} has no cluster ${JSON.stringify(name)}; its clusters: ${list(spanned)}`;
    report.add([...envBase, CLUSTERS_KEY, name], why, "compile/override", { key: true });
  }
  const cluster = input.cluster;
  const mine = cluster === undefined ? undefined : perCluster[cluster];
  if (cluster === undefined || !isPlainObject(mine)) return { override, at: under(envBase) };
  const clusterBase: FieldPath = [...envBase, CLUSTERS_KEY, cluster];
  // A finding points at the cluster's override where it sets the field, else at the environment's.
  const at: At = (rel) => (has(mine, rel) ? [...clusterBase, ...rel] : [...envBase, ...rel]);
  return { override: mergeOverride(override, mine), at };
}

/** Whether `value` has a field at `path` (through plain objects). */
function has(value: unknown, path: FieldPath): boolean {
  if (path.length === 0) return false;
  let v = value;
  for (const seg of path) {
    if (!isPlainObject(v) || !Object.prototype.hasOwnProperty.call(v, seg)) return false;
    v = v[seg];
  }
  return true;
}

function checkTraits(
  input: CompileInput,
  cache: CompileCache,
  report: Report,
  base: BaseContext,
  componentType: ComponentType,
  overrides: Record<string, unknown>,
  envAt: At,
): TraitScope[] {
  const spec = input.release.spec.component.spec;
  const definitions = new Map(input.release.spec.traits.map((t) => [t.metadata.name, t]));
  const allowed = componentType.spec.allowedTraits;
  const firstByName = new Map<string, number>();
  const scopes: TraitScope[] = [];

  spec.traits.forEach((instance, index) => {
    const field = (...rest: (string | number)[]): FieldPath => ["spec", "traits", index, ...rest];
    const label = `trait ${JSON.stringify(instance.name)} (${instance.type})`;
    const before = report.errorCount;

    const first = firstByName.get(instance.name);
    if (first !== undefined) {
      report.add(
        field("name"),
        `trait instance name ${JSON.stringify(instance.name)} is already used by spec.traits[${first}]; instance names must be unique`,
        "compile/trait-name",
      );
    } else {
      firstByName.set(instance.name, index);
    }
    if (!allowed.includes(instance.type)) {
      report.add(
        field("type"),
        `trait ${JSON.stringify(instance.type)} is not allowed for component type ${JSON.stringify(componentType.metadata.name)}; allowed: ${list(allowed)}`,
        "compile/trait-not-allowed",
      );
      return; // its parameters would only add noise
    }
    const trait = definitions.get(instance.type);
    if (!trait) {
      report.add(field("type"), `unknown trait ${JSON.stringify(instance.type)}; the release holds: ${list(definitions.keys())}`, "compile/unknown-trait");
      return;
    }
    const parameters = checkAgainst(cache, report, trait.spec.parameters, instance.parameters, under(field("parameters")), "parameters", label);
    const raw = overrides[instance.name];
    const override = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const environment = checkOverride(cache, report, trait.spec.environmentConfigs, override, (rel) => envAt([TRAITS_KEY, instance.name, ...rel]), label);
    const scope: TraitScope = {
      label,
      where: field(),
      parameters,
      environment,
      context: scopeContext(base, parameters, environment, instance.name),
      trait,
      instance,
      index,
    };
    if (report.errorCount === before) runValidations(input.cel, cache, report, trait.spec.validations, scope);
    scopes.push(scope);
  });

  const instances = new Set(spec.traits.map((t) => t.name));
  for (const name of Object.keys(overrides)) {
    if (!instances.has(name)) {
      report.add(envAt([TRAITS_KEY, name]), `no trait instance is named ${JSON.stringify(name)}; instances: ${list(instances)}`, "compile/override", {
        key: true,
      });
    }
  }
  return scopes;
}

/** The container against the component's own endpoints and dependencies. */
function checkContainer(input: CompileInput, report: Report): void {
  const { component } = input.release.spec;
  const spec = component.spec;
  const endpoints = Object.keys(spec.endpoints);

  if (endpoints.length > 0 && !/^[a-z]/.test(component.metadata.name)) {
    report.add(["metadata", "name"], `${JSON.stringify(component.metadata.name)} must start with a letter to name the component's Service`, "compile/name");
  }

  const mounts = new Map<string, number>();
  spec.container.files.forEach((f, i) => {
    const first = mounts.get(f.mountPath);
    if (first !== undefined) {
      report.add(
        ["spec", "container", "files", i, "mountPath"],
        `${JSON.stringify(f.mountPath)} is already mounted by spec.container.files[${first}]`,
        "compile/files",
      );
    } else mounts.set(f.mountPath, i);
  });

  for (const kind of ["readiness", "liveness", "startup"] as const) {
    const probe = spec.container.probes?.[kind];
    if (!probe) continue;
    for (const handler of ["httpGet", "tcpSocket"] as const) {
      const port = probe[handler]?.port;
      if (typeof port === "string" && !endpoints.includes(port)) {
        report.add(
          ["spec", "container", "probes", kind, handler, "port"],
          `port ${JSON.stringify(port)} names no endpoint; endpoints: ${list(endpoints)}`,
          "compile/probe",
        );
      }
    }
  }

  const envNames = new Map<string, string>();
  spec.container.env.forEach((e, i) => {
    if (envNames.has(e.name)) {
      report.add(
        ["spec", "container", "env", i, "name"],
        `environment variable ${JSON.stringify(e.name)} is already set by ${envNames.get(e.name)}`,
        "compile/env",
      );
    } else envNames.set(e.name, `spec.container.env[${i}]`);
  });
  spec.dependencies.forEach((d, i) => {
    for (const key of ["url", "host", "port"] as const) {
      const name = d.env[key];
      if (name === undefined) continue;
      if (envNames.has(name)) {
        report.add(
          ["spec", "dependencies", i, "env", key],
          `environment variable ${JSON.stringify(name)} is already set by ${envNames.get(name)}`,
          "compile/env",
        );
      } else envNames.set(name, `spec.dependencies[${i}].env.${key}`);
    }
  });
}
