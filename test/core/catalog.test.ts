import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Entity, KindValidator } from "@backstage/catalog-model";
import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  parseEntityRef,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
} from "@backstage/catalog-model";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { CATALOG_DIR, apiName, catalogFiles, kubernetesSelector } from "../../core/catalog.js";
import { LABELS } from "../../core/gitops/layout.js";
import { commitContent, planRelease } from "../../core/release/plan.js";
import { catalogWorkspace } from "../../operations/catalog.js";
import { renderWorkspace } from "../../operations/render.js";
import { loadWorkspace } from "../../operations/workspace.js";
import { runCli } from "../support/workspace.js";

const EXAMPLE = { apps: ["examples/apps"], platform: "examples/platform" };

function entitiesOf(files: ReadonlyMap<string, string>): Entity[] {
  return [...files.values()].flatMap((text) => parseAllDocuments(text).map((d) => d.toJS() as Entity));
}

const KIND_VALIDATORS: Readonly<Record<string, KindValidator>> = {
  System: systemEntityV1alpha1Validator,
  Component: componentEntityV1alpha1Validator,
  API: apiEntityV1alpha1Validator,
  Location: locationEntityV1alpha1Validator,
};

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

function exampleFiles(): ReadonlyMap<string, string> {
  const r = catalogWorkspace(EXAMPLE);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.files;
}

describe("the Backstage catalog of the bundled example", () => {
  it("holds a System and Location per project, a Component per component and an API per endpoint, each valid for Backstage", async () => {
    const entities = entitiesOf(exampleFiles());
    const ws = loadWorkspace(EXAMPLE);
    if (!("bundle" in ws)) throw new Error("example does not load");
    const kinds = (k: string) =>
      entities
        .filter((e) => e.kind === k)
        .map((e) => stringifyEntityRef(e))
        .sort();
    expect(kinds("System")).toEqual(["system:payments/payments", "system:storefront/storefront"]);
    expect(kinds("Location")).toHaveLength(2);
    expect(kinds("Component")).toEqual(ws.components.map((c) => `component:${c.component.metadata.project}/${c.component.metadata.name}`).sort());
    const endpoints = ws.components.flatMap((c) =>
      Object.keys(c.component.spec.endpoints).map((e) => `api:${c.component.metadata.project}/${apiName(c.component.metadata.name, e)}`),
    );
    expect(endpoints.length).toBeGreaterThan(0);
    expect(kinds("API")).toEqual(endpoints.sort());
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      await expect(policy.enforce(entity), ref).resolves.toBeDefined();
      const validator = KIND_VALIDATORS[entity.kind];
      expect(validator, ref).toBeDefined();
      await expect(validator!.check(entity), ref).resolves.toBe(true);
    }
  });

  it("takes spec.type from the component type, owner from the platform project, and the annotations Backstage's plugins read", () => {
    const entities = entitiesOf(exampleFiles());
    const ws = loadWorkspace(EXAMPLE);
    if (!("bundle" in ws)) throw new Error("example does not load");
    for (const c of ws.components) {
      const { project, name } = c.component.metadata;
      const entity = entities.find((e) => e.kind === "Component" && e.metadata.namespace === project && e.metadata.name === name);
      expect(entity?.spec?.type, name).toBe(c.component.spec.type);
      expect(entity?.spec?.owner, name).toBe(ws.bundle.platform.spec.projects.find((p) => p.name === project)?.owner);
      expect(entity?.spec?.system).toBe(`system:${project}/${project}`);
      expect(entity?.metadata.annotations?.["github.com/project-slug"]).toBe(c.repo);
      expect(entity?.metadata.annotations?.["backstage.io/source-location"]).toMatch(new RegExp(`^url:https://github.com/${c.repo}/tree/`));
      expect(entity?.metadata.annotations?.["backstage.io/kubernetes-label-selector"]).toBe(`${LABELS.project}=${project},${LABELS.component}=${name}`);
    }
    expect(entities.find((e) => e.kind === "System" && e.metadata.name === "payments")?.spec?.owner).toBe("group:default/payments-team");
  });

  it("selects every object the renderer writes for the component, and no other component's", () => {
    const r = renderWorkspace(EXAMPLE);
    if (!("result" in r) || !r.ok) throw new Error("example does not render");
    const objects = [...r.result.files].filter(([p]) => p.startsWith("environments/") && !p.endsWith("namespace.yaml") && !p.includes("/releases/"));
    expect(objects.length).toBeGreaterThan(0);
    for (const [path, text] of objects) {
      // environments/<env>/[<cluster>/]<project>/<component>/<file>: prod's clusters add a folder.
      const [project, component] = path.split("/").slice(-3, -1);
      const labels = (parse(text) as { metadata: { labels?: Record<string, string> } }).metadata.labels ?? {};
      const selects = (p: string, c: string) =>
        kubernetesSelector(p, c)
          .split(",")
          .every((kv) => labels[kv.split("=")[0]!] === kv.split("=")[1]);
      expect(selects(project!, component!), path).toBe(true);
      expect(selects(project!, `${component}-other`), path).toBe(false);
    }
  });

  it("resolves every reference (system, dependsOn, consumesApis, providesApis) within the output", () => {
    const entities = entitiesOf(exampleFiles());
    const present = new Set(entities.map((e) => stringifyEntityRef(e)));
    const refs = entities.flatMap((e) => {
      const spec = (e.spec ?? {}) as Record<string, unknown>;
      const many = ["dependsOn", "consumesApis", "providesApis"].flatMap((k) => (Array.isArray(spec[k]) ? (spec[k] as string[]) : []));
      return [...many, ...(typeof spec.system === "string" ? [spec.system] : [])].map((r) => ({ from: stringifyEntityRef(e), ref: r }));
    });
    expect(refs.filter((r) => r.ref.startsWith("component:")).length).toBeGreaterThan(0);
    expect(refs.filter((r) => r.ref.startsWith("api:")).length).toBeGreaterThan(0);
    const dangling = refs.filter((r) => !present.has(stringifyEntityRef(parseEntityRef(r.ref))));
    expect(dangling).toEqual([]);
  });

  it("ferry catalog writes the files and refuses bad input without writing", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "ferry-catalog-")), "out");
    try {
      const run = await runCli(["catalog", "examples/apps", "--platform", "examples/platform", "--out", out]);
      expect(run.code, run.stderr).toBe(0);
      const files = exampleFiles();
      for (const [path, text] of files) expect(readFileSync(join(out, path), "utf8"), path).toBe(text);
      const bad = await runCli(["catalog", "examples/apps", "--platform", "examples/apps", "--out", `${out}-bad`]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/nothing was written/);
    } finally {
      rmSync(join(out, ".."), { recursive: true, force: true });
    }
  });
});

describe("the catalog in a release commit", () => {
  it("writes the component's catalog-info.yaml and its project's file beside the manifests, and a removal prunes it", () => {
    const ws = loadWorkspace(EXAMPLE);
    if (!("bundle" in ws)) throw new Error("example does not load");
    const env = ws.bundle.platform.spec.environments[0]!;
    const plan = planRelease({
      bundle: ws.bundle,
      components: ws.components,
      environments: [{ env, state: { components: new Map(), files: new Map() } }],
      catalog: ws.catalog,
      cel: ws.cel,
    });
    const item = plan.items.find((i) => i.kind === "publish");
    if (item?.kind !== "publish") throw new Error("nothing to publish");
    const { project, component } = item.app.release.metadata;
    const content = commitContent(item, { repo: item.app.repo, sha: "a".repeat(40) });
    const componentDir = content.changes.find((c) => c.dir === `${CATALOG_DIR}/${project}/${component}`);
    expect(componentDir?.prune).toBe(true);
    const expected = catalogFiles(ws.bundle.platform.spec.projects, [{ component: item.app.component, source: { repo: item.app.repo, ref: "a".repeat(40) } }]);
    expect(componentDir?.files.get("catalog-info.yaml")).toBe(expected.get(`${project}/${component}/catalog-info.yaml`));
    expect(content.changes.find((c) => c.dir === CATALOG_DIR)?.files.get(`${project}.yaml`)).toBe(expected.get(`${project}.yaml`));
    const removal = commitContent({ kind: "remove", project, component, env, current: "x", mode: "commit" }, { repo: item.app.repo, sha: "b".repeat(40) });
    expect(removal.changes).toContainEqual({ dir: `${CATALOG_DIR}/${project}/${component}`, files: new Map(), prune: true });
  });
});
