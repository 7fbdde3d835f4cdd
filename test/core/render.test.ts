import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CelEngine } from "../../renderers/cel.js";
import { hasErrors } from "../../renderers/diagnostics.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { catalogKey, loadApps } from "../../renderers/apps.js";
import { loadPlatformSources } from "../../renderers/load.js";
import { buildPlatformBundle } from "../../core/platform-bundle.js";
import { renderApps } from "../../core/render.js";
import { loadBuiltins } from "../../templates/index.js";
import { schemaErrors } from "../support/k8s-schemas.js";
import { PLATFORM_YAML } from "../support/workspace.js";

/**
 * Generated components, valid and not: each either renders manifests that pass Kubernetes'
 * schemas or fails with located errors. Never a crash.
 */
const name = fc.oneof(
  fc.constantFrom("api", "web", "worker-1", "a", "x".repeat(63)),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
  fc.constantFrom("Bad_Name", "../etc", "-x", "x".repeat(64), ""),
);
const quantity = fc.constantFrom("100m", "1", "0.5", "128Mi", "1Gi", "lots", "", "-1");
const endpoint = fc.record({
  type: fc.constantFrom("HTTP", "gRPC", "TCP", "UDP", "SMTP"),
  port: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(0, 70000, -1)),
  visibility: fc.subarray(["project", "organization", "public"]),
});
const trait = fc.oneof(
  fc.record({
    type: fc.constant("autoscaler"),
    name: fc.constantFrom("cpu", "hpa"),
    parameters: fc.record({ minReplicas: fc.integer({ min: -1, max: 5 }), maxReplicas: fc.integer({ min: 1, max: 10 }) }),
  }),
  fc.record({
    type: fc.constant("route"),
    name: fc.constantFrom("public", "web"),
    parameters: fc.record({ endpoint: fc.constantFrom("http", "grpc", "nope"), host: fc.constantFrom("a.example.com", "b.example.org") }),
  }),
  fc.record({ type: fc.constant("persistent-volume"), name: fc.constant("data"), parameters: fc.record({ mountPath: fc.constantFrom("/data", "relative") }) }),
  fc.record({
    type: fc.constant("pod-disruption-budget"),
    name: fc.constant("pdb"),
    parameters: fc.oneof(fc.record({ minAvailable: fc.integer({ min: 0, max: 3 }) }), fc.record({ maxUnavailable: fc.integer({ min: 0, max: 3 }) })),
  }),
  fc.record({ type: fc.constant("nonexistent"), name: fc.constant("x"), parameters: fc.constant({}) }),
);
const component = fc.record({
  apiVersion: fc.constantFrom("ferry.dev/v1alpha1", "ferry.dev/v1alpha1", "ferry.dev/v2"),
  kind: fc.constantFrom("Component", "Component", "Deployment"),
  metadata: fc.record({ name, project: fc.constantFrom("shop", "shop", "pay", "nope") }),
  spec: fc.record(
    {
      type: fc.constantFrom("service", "web-application", "worker", "scheduled-task", "unknown"),
      container: fc.record(
        {
          image: fc.constantFrom("ghcr.io/acme/x:1.0.0", "nginx", "nginx:latest", "a b"),
          resources: fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }),
          env: fc.array(fc.record({ name: fc.constantFrom("A", "B_2", "1BAD"), value: fc.string({ maxLength: 8 }) }), { maxLength: 3 }),
        },
        { requiredKeys: ["image"] },
      ),
      endpoints: fc.dictionary(fc.constantFrom("http", "grpc", "metrics", "Bad"), endpoint, { maxKeys: 2 }),
      parameters: fc.oneof(fc.constant({}), fc.constant({ schedule: "*/5 * * * *" }), fc.constant({ schedule: 5 })),
      traits: fc.array(trait, { maxLength: 3 }),
      environments: fc.oneof(
        fc.constant({}),
        fc.constant({ prod: { replicas: 3 } }),
        fc.constant({ dev: { replicas: "two" } }),
        fc.constant({ qa: { replicas: 1 } }),
      ),
    },
    { requiredKeys: ["type", "container"] },
  ),
});

describe("generated components", () => {
  it("render valid manifests or fail with located errors, never crash", () => {
    const builtins = loadBuiltins();
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 3 }), (docs) => {
        const diagnostics: Diagnostic[] = [];
        const bundle = buildPlatformBundle(
          loadPlatformSources("platform", new Map([[".ferry/platform.yaml", PLATFORM_YAML]]), diagnostics),
          builtins,
          diagnostics,
        );
        expect(bundle).toBeDefined();
        const files = new Map(docs.map((d, i) => [`.ferry/c${i}.yaml`, JSON.stringify(d, null, 1)]));
        const comps = loadApps(bundle!, [{ repo: "acme/shop-api", root: "app", files }], diagnostics);
        const catalog = new Map(comps.map((c) => [catalogKey(c.release.metadata.project, c.release.metadata.component), c.component]));
        const result = renderApps(bundle!, comps, catalog, bundle!.platform.spec.environments, new CelEngine());
        const all = [...diagnostics, ...result.diagnostics];
        const located = (d: Diagnostic) => d.file.length > 0 && (d.line > 0 || d.code.startsWith("policy/") || d.code.startsWith("yaml/too"));
        expect(all.filter((d) => d.severity === "error" && !located(d))).toEqual([]);
        const failed = hasErrors(all);
        // A failed run writes nothing; a successful one renders only schema-valid objects.
        expect(failed ? result.files.size : 0).toBe(0);
        const objects = failed ? [] : result.rendered.flatMap((r) => r.objects);
        expect(objects.flatMap((o) => schemaErrors(o))).toEqual([]);
      }),
      { numRuns: 150, seed: 20261124 },
    );
  });
});
