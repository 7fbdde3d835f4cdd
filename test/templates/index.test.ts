/**
 * loadBuiltins (templates/index.ts): the built-in component types and traits, their schemas, and a
 * broken built-in named by file and field.
 */
import { describe, expect, it } from "vitest";
import { CompileCache } from "../../renderers/compile/cache.js";
import { loadBuiltins } from "../../templates/index.js";

describe("loadBuiltins", () => {
  it("loads the four component types and five traits, each a fresh copy", () => {
    const a = loadBuiltins();
    const b = loadBuiltins();
    expect([...a.componentTypes.keys()].sort()).toEqual(["scheduled-task", "service", "web-application", "worker"]);
    expect([...a.traits.keys()].sort()).toEqual(["autoscaler", "egress", "persistent-volume", "pod-disruption-budget", "route"]);
    expect(a.componentTypes.get("service")).not.toBe(b.componentTypes.get("service"));
    expect(a.componentTypes.get("service")).toEqual(b.componentTypes.get("service"));
  });

  it("declares the allowed traits and parameters of the formats' table", () => {
    const { componentTypes } = loadBuiltins();
    expect(componentTypes.get("service")?.spec.allowedTraits).toEqual(["autoscaler", "route", "persistent-volume", "pod-disruption-budget", "egress"]);
    expect(componentTypes.get("worker")?.spec.allowedTraits).not.toContain("route");
    expect(componentTypes.get("scheduled-task")?.spec.workloadType).toBe("cronjob");
    expect(componentTypes.get("scheduled-task")?.spec.parameters?.openAPIV3Schema.required).toEqual(["schedule"]);
  });

  it("has schemas that compile with ajv", () => {
    const cache = new CompileCache();
    const { componentTypes, traits } = loadBuiltins();
    const schemas = [...componentTypes.values(), ...traits.values()].flatMap((t) =>
      [t.spec.parameters, t.spec.environmentConfigs].filter((s) => s !== undefined),
    );
    expect(schemas.length).toBeGreaterThan(8);
    for (const s of schemas) expect(() => cache.validator(s.openAPIV3Schema)).not.toThrow();
  });

  it("throws on an invalid built-in, naming the file and field", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { pathToFileURL } = await import("node:url");
    const dir = mkdtempSync(join(tmpdir(), "ferry-builtins-"));
    try {
      mkdirSync(join(dir, "component-types"));
      mkdirSync(join(dir, "traits"));
      writeFileSync(
        join(dir, "component-types", "broken.yaml"),
        "apiVersion: ferry.dev/v1alpha1\nkind: ComponentType\nmetadata: {name: broken}\nspec: {workloadType: daemonset}\n",
      );
      expect(() => loadBuiltins({ dir: pathToFileURL(`${dir}/`) })).toThrow(/templates\/component-types\/broken\.yaml:4:\d+.*spec\.workloadType/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
