/**
 * The bundled examples load cleanly and cover what they promise: every built-in type and trait,
 * the platform's own type, trait and policy, dependencies across projects, and inputs that pass
 * the policies checkable before rendering. (Rendering them is tested in test/scenarios/examples/render.test.ts.)
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { checkPolicies } from "../../../policies/index.js";
import { CelEngine } from "../../../renderers/cel.js";
import { mergeOverride } from "../../../renderers/compile/checks.js";
import type { Diagnostic } from "../../../renderers/diagnostics.js";
import { loadAppComponents, loadPlatformSources } from "../../../renderers/load.js";
import type { FileMap, Loaded } from "../../../renderers/load.js";
import type { Component, OpenApiSchema } from "../../../renderers/model/index.js";
import { buildPlatformBundle } from "../../../core/platform-bundle.js";
import { loadApps } from "../../../renderers/apps.js";
import { loadBuiltins } from "../../../templates/index.js";

const EXAMPLES = "examples";
const BUILTIN_TYPES = ["service", "web-application", "worker", "scheduled-task"];
const BUILTIN_TRAITS = ["autoscaler", "route", "persistent-volume", "pod-disruption-budget"];

/** Every file below `dir`, keyed by its POSIX path relative to `dir`. */
function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(relative(dir, full).split(sep).join("/"), readFileSync(full, "utf8"));
    }
  };
  walk(dir);
  return files;
}

/** App repositories: `examples/apps/<owner>/<repo>`. */
function appDirs(): { repo: string; root: string }[] {
  const base = join(EXAMPLES, "apps");
  return readdirSync(base)
    .sort()
    .flatMap((owner) =>
      readdirSync(join(base, owner))
        .sort()
        .map((repo) => ({ repo: `${owner}/${repo}`, root: join(base, owner, repo) })),
    );
}

const diagnostics: Diagnostic[] = [];
const platformRoot = join(EXAMPLES, "platform");
const sources = loadPlatformSources(platformRoot, readTree(platformRoot), diagnostics);
const apps = appDirs().map((a) => ({ ...a, files: readTree(a.root) as FileMap }));
const components: { repo: string; item: Loaded<Component> }[] = apps.flatMap((a) =>
  loadAppComponents(a.root, a.files, diagnostics).map((item) => ({ repo: a.repo, item })),
);
const all = components.map((c) => c.item.value);
const platform = sources.platform!.value;

describe("the bundled examples", () => {
  it("load without a single diagnostic", () => {
    expect(diagnostics).toEqual([]);
    expect(sources.platform).toBeDefined();
    expect(sources.componentTypes.map((t) => t.value.metadata.name)).toEqual(["database"]);
    expect(sources.traits.map((t) => t.value.metadata.name)).toEqual(["log-shipper"]);
    expect(sources.policies.map((p) => p.value.metadata.name)).toEqual(["volumes-need-storage-class"]);
  });

  it("pass the platform checks and the app checks (projects, repos, types, traits, dependencies)", () => {
    const found: Diagnostic[] = [];
    const bundle = buildPlatformBundle(sources, loadBuiltins(), found);
    expect(bundle).toBeDefined();
    const loaded = loadApps(bundle!, apps, found);
    expect(found).toEqual([]);
    expect(loaded).toHaveLength(all.length);
  });

  it("have two projects, three environments with prod on two clusters in its own GitOps repo, previews, and at least six components in four repos", () => {
    expect(platform.spec.projects.map((p) => p.name)).toEqual(["storefront", "payments"]);
    expect(platform.spec.environments.map((e) => [e.name, e.production, e.gitops.repo])).toEqual([
      ["dev", false, "acme/gitops"],
      ["staging", false, "acme/gitops"],
      ["prod", true, "acme/gitops-prod"],
    ]);
    expect(platform.spec.pipeline.find((s) => s.from === "staging")?.soak).toBe("30m");
    // prod runs in two regions, promoted into in two waves; previews borrow dev's cluster.
    expect(platform.spec.environments.find((e) => e.name === "prod")?.clusters?.map((c) => [c.name, c.context, c.wave])).toEqual([
      ["eu-1", "acme-prod-eu", 1],
      ["us-1", "acme-prod-us", 2],
    ]);
    expect(platform.spec.pipeline.find((s) => s.from === "staging")?.waves?.soak).toBe("1h");
    expect(platform.spec.previews).toMatchObject({ from: "dev", trigger: "label", ttl: "72h", maxMonthlyCost: 40 });
    expect(all.some((c) => Object.keys(c.spec.environments.prod?.clusters ?? {}).length > 0)).toBe(true);
    expect(platform.spec.policies.allowedRegistries).toEqual(["ghcr.io/acme/"]);
    expect(Object.keys(platform.spec.policies.configure).length + platform.spec.policies.disable.length).toBeGreaterThan(0);
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(new Set(components.map((c) => c.repo)).size).toBeGreaterThanOrEqual(4);
  });

  it("use every built-in type and trait and the platform's own type and trait", () => {
    const types = new Set(all.map((c) => c.spec.type));
    const traits = new Set(all.flatMap((c) => c.spec.traits.map((t) => t.type)));
    for (const t of [...BUILTIN_TYPES, "database"]) expect(types, `type ${t}`).toContain(t);
    for (const t of [...BUILTIN_TRAITS, "log-shipper"]) expect(traits, `trait ${t}`).toContain(t);
  });

  it("depend across projects only on organization-visible endpoints", () => {
    const byKey = new Map(all.map((c) => [`${c.metadata.project}/${c.metadata.name}`, c]));
    const cross = all.flatMap((c) =>
      c.spec.dependencies.filter((d) => (d.project ?? c.metadata.project) !== c.metadata.project).map((d) => ({ from: c, dep: d })),
    );
    expect(cross.length).toBeGreaterThanOrEqual(2);
    for (const { dep } of cross) {
      const target = byKey.get(`${dep.project}/${dep.component}`);
      expect(target?.spec.endpoints[dep.endpoint]?.visibility).toContain("organization");
    }
  });

  it("pin every image to a tag in Acme's registry", () => {
    for (const c of all) {
      expect(c.spec.container.image).toMatch(/^ghcr\.io\/acme\/[a-z0-9-]+:\d+(\.\d+){1,2}$/);
    }
  });

  it("override replicas, resources and trait settings per environment", () => {
    const overrides = all.flatMap((c) => Object.values(c.spec.environments));
    expect(overrides.some((o) => typeof o.replicas === "number")).toBe(true);
    expect(overrides.some((o) => o.resources !== undefined)).toBe(true);
    expect(overrides.some((o) => Object.keys(o.traits ?? {}).length > 0)).toBe(true);
  });

  it("run at least two replicas of every Deployment and StatefulSet in prod", () => {
    const prodMinimum = (c: Component): number => {
      const autoscaler = c.spec.traits.find((t) => t.type === "autoscaler");
      if (!autoscaler) return Number(c.spec.environments.prod?.replicas ?? 1);
      const prod = c.spec.environments.prod?.traits?.[autoscaler.name] ?? {};
      return Number(prod.minReplicas ?? autoscaler.parameters.minReplicas ?? 1);
    };
    const tooFew = all.filter((c) => c.spec.type !== "scheduled-task" && prodMinimum(c) < 2).map((c) => c.metadata.name);
    expect(tooFew).toEqual([]);
  });

  it("give every component parameters and per-environment settings that its type's and traits' schemas accept", () => {
    const builtins = loadBuiltins();
    const types = new Map([...builtins.componentTypes, ...sources.componentTypes.map((t) => [t.value.metadata.name, t.value] as const)]);
    const traits = new Map([...builtins.traits, ...sources.traits.map((t) => [t.value.metadata.name, t.value] as const)]);
    const ajv = new Ajv({ strict: false, allErrors: true, useDefaults: true });
    addFormats.default(ajv);
    ajv.addFormat("cron", true);
    ajv.addFormat("time-zone", true);
    const errors: string[] = [];
    const check = (what: string, schema: OpenApiSchema | undefined, value: unknown) => {
      if (!schema) return;
      const validate = ajv.compile(schema.openAPIV3Schema);
      if (!validate(structuredClone(value))) errors.push(`${what}: ${ajv.errorsText(validate.errors)}`);
    };
    for (const c of all) {
      const type = types.get(c.spec.type)!;
      check(`${c.metadata.name} parameters`, type.spec.parameters, c.spec.parameters);
      for (const t of c.spec.traits) {
        expect(type.spec.allowedTraits, `${c.metadata.name} trait ${t.type}`).toContain(t.type);
        check(`${c.metadata.name} trait ${t.name}`, traits.get(t.type)!.spec.parameters, t.parameters);
      }
      const settings = (where: string, { traits: traitEnv, ...rest }: Record<string, unknown> & { traits?: Record<string, unknown> }) => {
        const declared = Object.keys((type.spec.environmentConfigs?.openAPIV3Schema.properties ?? {}) as object);
        for (const key of Object.keys(rest)) expect(declared, `${c.metadata.name} ${where}.${key}`).toContain(key);
        check(`${c.metadata.name} ${where}`, type.spec.environmentConfigs, rest);
        for (const [instance, config] of Object.entries(traitEnv ?? {})) {
          const t = c.spec.traits.find((x) => x.name === instance);
          expect(t, `${c.metadata.name} ${where}.traits.${instance}`).toBeDefined();
          check(`${c.metadata.name} ${where}.traits.${instance}`, traits.get(t!.type)!.spec.environmentConfigs, config);
        }
      };
      for (const [env, { clusters, ...own }] of Object.entries(c.spec.environments)) {
        settings(`environments.${env}`, own);
        // A cluster's overrides are merged over its environment's: the merged settings must pass the same schemas.
        const spanned = platform.spec.environments.find((e) => e.name === env)?.clusters?.map((x) => x.name) ?? [];
        for (const [cluster, over] of Object.entries(clusters ?? {})) {
          expect(spanned, `${c.metadata.name} environments.${env}.clusters.${cluster}`).toContain(cluster);
          settings(`environments.${env}.clusters.${cluster}`, mergeOverride(own, over));
        }
      }
    }
    expect(errors).toEqual([]);
  });

  it("pass the policies that check inputs, with valid policy settings, in every environment", () => {
    const cel = new CelEngine();
    for (const env of platform.spec.environments) {
      for (const { item } of components) {
        expect(checkPolicies({ objects: [], component: item.value, environment: env, platform: sources.platform!, policies: sources.policies, cel })).toEqual(
          [],
        );
      }
    }
  });
});
