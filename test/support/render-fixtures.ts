/**
 * Fixtures for compiler tests: everything comes from YAML through the real loader
 * (parseYamlDocuments + checkDocument + cutRelease), so locations in diagnostics are real.
 */
import { CelEngine } from "../../renderers/cel.js";
import { CompileCache } from "../../renderers/compile/cache.js";
import { compileComponent } from "../../renderers/compile/component.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { checkDocument } from "../../renderers/load.js";
import type { Component, ComponentType, Environment, Platform, Trait } from "../../renderers/model/index.js";
import { cutRelease } from "../../renderers/release.js";
import type { Release } from "../../renderers/release.js";
import type { CompileResult, K8sObject, Locator, ResolvedDependency } from "../../renderers/types.js";
import { parseYamlDocuments } from "../../renderers/yaml.js";
import { loadBuiltins } from "../../templates/index.js";

export const COMPONENT_FILE = ".ferry/component.yaml";

/** Parses one document of a kind, failing the test loudly if the fixture itself is broken. */
export function load<K extends "Component" | "ComponentType" | "Trait" | "Platform">(file: string, text: string, kind: K) {
  const diagnostics: Diagnostic[] = [];
  const doc = parseYamlDocuments(file, text, diagnostics)[0];
  const loaded = doc ? checkDocument(doc, [kind], diagnostics) : undefined;
  if (!doc || !loaded || diagnostics.length > 0) throw new Error(`fixture ${file} is invalid: ${JSON.stringify(diagnostics)}`);
  return { value: loaded.value, doc };
}

export const PLATFORM_YAML = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - {name: storefront, repos: [acme/checkout]}
    - {name: payments, repos: [acme/payments]}
  environments:
    - name: dev
      gitops: {repo: acme/gitops, path: environments/dev}
    - name: prod
      production: true
      gitops: {repo: acme/gitops-prod}
      routes: ingress
      ingressClassName: nginx
      gateway: {name: public, namespace: ingress-nginx}
`;

export function platform(): Platform {
  return load(".ferry/platform.yaml", PLATFORM_YAML, "Platform").value as Platform;
}

export function environment(name: string, p: Platform = platform()): Environment {
  const env = p.spec.environments.find((e) => e.name === name);
  if (!env) throw new Error(`no environment ${name}`);
  return env;
}

/** A dependency as the caller (render.ts) resolves it. */
export function dependency(over: Partial<ResolvedDependency> = {}): ResolvedDependency {
  const component = over.component ?? "payments-api";
  const namespace = over.namespace ?? "payments-dev";
  const port = over.port ?? 8443;
  const host = `${component}.${namespace}.svc.cluster.local`;
  return {
    project: "payments",
    component,
    endpoint: "http",
    endpointType: "HTTP",
    namespace,
    host,
    port,
    url: `http://${host}:${port}/v1`,
    env: { url: "PAYMENTS_URL", host: "PAYMENTS_HOST", port: "PAYMENTS_PORT" },
    ...over,
  };
}

export interface Fixture {
  readonly release: Release;
  readonly locate: Locator;
  readonly component: Component;
}

/** A release of the component in `yaml`, with built-in types and traits plus any extra ones (given as YAML). */
export function fixture(yaml: string, extra: { types?: string[]; traits?: string[] } = {}): Fixture {
  const builtins = loadBuiltins();
  const types = new Map<string, ComponentType>(builtins.componentTypes);
  const traits = new Map<string, Trait>(builtins.traits);
  (extra.types ?? []).forEach((t, i) => {
    const v = load(`.ferry/component-types/t${i}.yaml`, t, "ComponentType").value as ComponentType;
    types.set(v.metadata.name, v);
  });
  (extra.traits ?? []).forEach((t, i) => {
    const v = load(`.ferry/traits/t${i}.yaml`, t, "Trait").value as Trait;
    traits.set(v.metadata.name, v);
  });
  const { value, doc } = load(COMPONENT_FILE, yaml, "Component");
  const component = value as Component;
  const type = types.get(component.spec.type);
  if (!type) throw new Error(`fixture uses unknown type ${component.spec.type}`);
  const release = cutRelease(component, type, [...traits.values()]);
  return { release, component, locate: (path, opts) => ({ file: doc.file, ...doc.locate(path, opts) }) };
}

export interface CompileOptions {
  env?: string;
  dependencies?: ResolvedDependency[];
  types?: string[];
  traits?: string[];
  cache?: CompileCache;
  cel?: CelEngine;
  platform?: Platform;
  /** Render as pull request `preview`'s preview (CompileInput `preview`). */
  preview?: number;
}

/** Compiles a component given as YAML for one environment of the fixture platform. */
export function compile(yaml: string, opts: CompileOptions = {}): CompileResult & { fixture: Fixture } {
  const f = fixture(yaml, { types: opts.types, traits: opts.traits });
  const p = opts.platform ?? platform();
  const env = environment(opts.env ?? "dev", p);
  const result = compileComponent({
    release: f.release,
    platform: p,
    environment: env,
    namespace: `${f.component.metadata.project}-${env.name}`,
    dependencies: opts.dependencies ?? [],
    cel: opts.cel ?? new CelEngine(),
    cache: opts.cache ?? new CompileCache(),
    locate: f.locate,
    ...(opts.preview !== undefined ? { preview: opts.preview } : {}),
  });
  return { ...result, fixture: f };
}

/** Compiles and fails the test with the diagnostics when anything is reported as an error. */
export function compileOk(yaml: string, opts: CompileOptions = {}): K8sObject[] {
  const r = compile(yaml, opts);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`unexpected diagnostics:\n${errors.map((d) => `${d.field}: ${d.message}`).join("\n")}`);
  return r.objects;
}

/** The one object of a kind and name; throws when missing. Typed loosely: tests read deep into manifests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions check the shape at run time
export function find<T = Record<string, any>>(objects: readonly K8sObject[], kind: string, name: string): T {
  const hit = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!hit) throw new Error(`no ${kind}/${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  return hit as unknown as T;
}

export function kinds(objects: readonly K8sObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`);
}

/** A component document; `spec` is indented YAML placed under `spec:`. */
export function componentYaml(name: string, spec: string, project = "storefront"): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Component
metadata:
  name: ${name}
  project: ${project}
spec:
${spec
  .replace(/^\n/, "")
  .split("\n")
  .map((l) => (l ? `  ${l}` : l))
  .join("\n")}
`;
}
