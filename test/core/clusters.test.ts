/**
 * An environment on several clusters (`environments[].clusters`): the platform's model and its
 * located errors, a component's per-cluster overrides, the render into `<path>/<cluster>/...`
 * (validated against Kubernetes' schemas), and reading it back (state, release and promotion paths).
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildPlatformBundle } from "../../core/platform-bundle.js";
import { bootstrapObjects } from "../../operations/bootstrap.js";
import { promotionPaths, foreignChanges } from "../../core/promotion/pr.js";
import { commitContent, releaseChanges } from "../../core/release/plan.js";
import { parseEnvironmentState } from "../../core/release/state.js";
import { renderApps } from "../../core/render.js";
import { catalogKey, loadApps } from "../../renderers/apps.js";
import { CelEngine } from "../../renderers/cel.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { loadPlatformSources } from "../../renderers/load.js";
import { clustersOf } from "../../renderers/model/index.js";
import type { Environment } from "../../renderers/model/index.js";
import { loadBuiltins } from "../../templates/index.js";
import { schemaErrors } from "../support/k8s-schemas.js";

const PLATFORM_FILE = ".ferry/platform.yaml";

function platformYaml(prod: string, extra = ""): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - {name: shop, repos: [acme/shop-api]}
  observability:
    prometheus:
      - {name: prod, url: "https://prometheus.prod.example.com"}
  environments:
    - name: dev
      cluster: {context: dev}
      gitops: {repo: acme/gitops, path: environments/dev}
      autoMerge: true
    - name: prod
      production: true
${prod}
      gitops: {repo: acme/gitops-prod, path: environments/prod}
  pipeline:
    - from: dev
      to: [prod]
${extra}`;
}

const TWO_CLUSTERS = `      clusters:
        - {name: us-1, context: prod-us-1, prometheus: prod, wave: 2}
        - {name: eu-1, context: prod-eu-1, prometheus: prod, wave: 1}`;

function bundleOf(yaml: string) {
  const diagnostics: Diagnostic[] = [];
  const bundle = buildPlatformBundle(loadPlatformSources("", new Map([[PLATFORM_FILE, yaml]]), diagnostics), loadBuiltins(), diagnostics);
  return { bundle, diagnostics };
}

/** The 1-based line of the `nth` line of `text` containing `needle`. */
function lineOf(text: string, needle: string, nth = 1): number {
  const lines = text.split("\n");
  let seen = 0;
  const i = lines.findIndex((l) => l.includes(needle) && ++seen === nth);
  if (i < 0) throw new Error(`no line with ${needle}`);
  return i + 1;
}

function errorsOf(yaml: string): Pick<Diagnostic, "file" | "line" | "field" | "message">[] {
  const { bundle, diagnostics } = bundleOf(yaml);
  expect(bundle).toBeUndefined();
  return diagnostics.filter((d) => d.severity === "error").map(({ file, line, field, message }) => ({ file, line, field, message }));
}

const COMPONENT_FILE = ".ferry/api.yaml";

const WORKER_FILE = ".ferry/worker.yaml";

function componentYaml(
  environments: string,
  name = "api",
  traits = "    - {type: autoscaler, name: cpu, parameters: {minReplicas: 2, maxReplicas: 4}}",
): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Component
metadata: {name: ${name}, project: shop}
spec:
  type: service
  container:
    image: ghcr.io/acme/api:1.0.0
    resources: {cpu: 100m, memory: 128Mi}
  endpoints:
    http: {type: HTTP, port: 8080}
  traits:
${traits}
  environments:
${environments}`;
}

const OVERRIDES = `    dev:
      replicas: 1
    prod:
      replicas: 3
      resources: {cpu: 500m, memory: 512Mi}
      traits:
        cpu: {minReplicas: 3, maxReplicas: 10}
      clusters:
        us-1:
          replicas: 6
          resources: {memory: 1Gi}
          traits:
            cpu: {maxReplicas: 30}`;

/** `worker`: the same overrides without the autoscaler (which owns the replicas when there is one). */
function workerOverrides(environments: string): string {
  return environments.replace(/\n\s*traits:\n\s*cpu: \{[^}]*\}/g, "");
}

function render(platform: string, environments: string, worker = false) {
  const { bundle, diagnostics } = bundleOf(platform);
  if (!bundle) throw new Error(`platform fixture: ${JSON.stringify(diagnostics)}`);
  const apps = loadApps(
    bundle,
    [
      {
        repo: "acme/shop-api",
        root: "",
        files: new Map([
          [COMPONENT_FILE, componentYaml(environments)],
          ...(worker ? [[WORKER_FILE, componentYaml(workerOverrides(environments), "worker", "    []")] as const] : []),
        ]),
        sha: "a".repeat(40),
      },
    ],
    diagnostics,
  );
  const catalog = new Map(apps.map((c) => [catalogKey(c.release.metadata.project, c.release.metadata.component), c.component]));
  const result = renderApps(bundle, apps, catalog, bundle.platform.spec.environments, new CelEngine());
  return { bundle, apps, result, diagnostics: [...diagnostics, ...result.diagnostics] };
}

function prodOf(bundle: { platform: { spec: { environments: readonly Environment[] } } }): Environment {
  const env = bundle.platform.spec.environments.find((e) => e.name === "prod");
  if (!env) throw new Error("no prod");
  return env;
}

const yamlAt = (files: ReadonlyMap<string, string>, path: string) => {
  const text = files.get(path);
  expect(text, path).toBeDefined();
  return parse(text ?? "") as Record<string, unknown> & { spec: Record<string, unknown> };
};

describe("a platform environment on several clusters", () => {
  it("loads clusters (names, contexts, Prometheus, waves) and a step's waves, listed in wave order", () => {
    const { bundle, diagnostics } = bundleOf(platformYaml(TWO_CLUSTERS, "      waves: {soak: 15m}\n"));
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const prod = prodOf(bundle!);
    expect(prod.cluster).toBeUndefined();
    expect(clustersOf(prod).map((c) => [c.name, c.context, c.prometheus, c.wave])).toEqual([
      ["eu-1", "prod-eu-1", "prod", 1],
      ["us-1", "prod-us-1", "prod", 2],
    ]);
    expect(bundle!.platform.spec.pipeline[0]?.waves).toEqual({ soak: "15m" });
    expect(clustersOf(bundle!.platform.spec.environments[0]!)).toEqual([]);
  });

  it("refuses cluster and clusters together, naming the file, line and field", () => {
    expect(errorsOf(platformYaml(`      cluster: {context: prod}\n${TWO_CLUSTERS}`))).toEqual([
      {
        file: PLATFORM_FILE,
        line: lineOf(TWO_CLUSTERS, "name: us-1") + 17,
        field: "spec.environments[1].clusters",
        message: expect.stringMatching(/set cluster or clusters, not both/),
      },
    ]);
  });

  it("refuses a cluster listed twice, an empty list, a bad wave, an unknown field and a bad soak, each at its line", () => {
    const twice = `      clusters:\n        - {name: eu-1, context: a}\n        - {name: eu-1, context: b}`;
    expect(errorsOf(platformYaml(twice))).toEqual([
      {
        file: PLATFORM_FILE,
        line: lineOf(platformYaml(twice), "name: eu-1", 2),
        field: "spec.environments[1].clusters[1].name",
        message: expect.stringMatching(/"eu-1" is already listed as clusters\[0\]/),
      },
    ]);
    expect(errorsOf(platformYaml("      clusters: []"))).toEqual([
      {
        file: PLATFORM_FILE,
        line: lineOf(platformYaml("      clusters: []"), "clusters: []"),
        field: "spec.environments[1].clusters",
        message: expect.stringMatching(/clusters lists no cluster/),
      },
    ]);
    const bad = `      clusters:\n        - {name: EU_1, context: a, wave: 0, region: eu}`;
    const errors = errorsOf(platformYaml(bad, "      waves: {soak: soon}\n"));
    expect(errors.map((e) => [e.line, e.field])).toEqual(
      expect.arrayContaining([
        [lineOf(bad, "EU_1") + 16, "spec.environments[1].clusters[0].name"],
        [lineOf(bad, "EU_1") + 16, "spec.environments[1].clusters[0].wave"],
        [lineOf(bad, "EU_1") + 16, "spec.environments[1].clusters[0].region"],
        [lineOf(platformYaml(bad, "      waves: {soak: soon}\n"), "soak: soon"), "spec.pipeline[0].waves.soak"],
      ]),
    );
    expect(errors.every((e) => e.file === PLATFORM_FILE)).toBe(true);
  });

  it("refuses a cluster's unknown Prometheus endpoint at its field", () => {
    const unknown = `      clusters:\n        - {name: eu-1, context: a, prometheus: nowhere}`;
    expect(errorsOf(platformYaml(unknown))).toEqual([
      {
        file: PLATFORM_FILE,
        line: lineOf(platformYaml(unknown), "nowhere"),
        field: "spec.environments[1].clusters[0].prometheus",
        message: expect.stringMatching(/unknown prometheus endpoint "nowhere"; known: prod/),
      },
    ]);
  });
});

describe("a component's per-cluster overrides", () => {
  it("refuses overrides for a cluster the environment does not span, and for an environment on one cluster, at their keys", () => {
    const envs = `    dev:\n      clusters:\n        eu-1: {replicas: 2}\n    prod:\n      clusters:\n        ap-1: {replicas: 2}`;
    const { result } = render(platformYaml(TWO_CLUSTERS), envs);
    expect(result.files.size).toBe(0);
    const found = result.diagnostics.filter((d) => d.code === "compile/override").map(({ file, line, field, message }) => ({ file, line, field, message }));
    expect(found).toEqual(
      expect.arrayContaining([
        {
          file: COMPONENT_FILE,
          line: lineOf(componentYaml(envs), "eu-1: {replicas"),
          field: "spec.environments.dev.clusters.eu-1",
          message: expect.stringMatching(/"dev" runs on one cluster/),
        },
        {
          file: COMPONENT_FILE,
          line: lineOf(componentYaml(envs), "ap-1: {replicas"),
          field: "spec.environments.prod.clusters.ap-1",
          message: expect.stringMatching(/"prod" has no cluster "ap-1"; its clusters: eu-1, us-1/),
        },
      ]),
    );
  });

  it("checks a cluster's override against the type's environmentConfigs, pointing into the cluster's block", () => {
    const envs = `    prod:\n      replicas: 3\n      clusters:\n        us-1:\n          replicas: -1\n          colour: blue`;
    const { result } = render(platformYaml(TWO_CLUSTERS), envs);
    const found = result.diagnostics.filter((d) => d.severity === "error").map((d) => [d.line, d.field]);
    expect(found).toEqual(
      expect.arrayContaining([
        [lineOf(componentYaml(envs), "replicas: -1"), "spec.environments.prod.clusters.us-1.replicas"],
        [lineOf(componentYaml(envs), "colour: blue"), "spec.environments.prod.clusters.us-1.colour"],
      ]),
    );
    expect(result.diagnostics.find((d) => d.field.endsWith(".replicas"))?.environment).toBe("prod/us-1");
  });
});

describe("rendering an environment on several clusters", () => {
  const { bundle, apps, result, diagnostics } = render(platformYaml(TWO_CLUSTERS), OVERRIDES, true);

  it("writes each cluster's folder with that cluster's overrides merged over the environment's", () => {
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const eu = yamlAt(result.files, "environments/prod/eu-1/shop/worker/deployment-worker.yaml");
    const us = yamlAt(result.files, "environments/prod/us-1/shop/worker/deployment-worker.yaml");
    expect(yamlAt(result.files, "environments/dev/shop/worker/deployment-worker.yaml").spec.replicas).toBe(1);
    const resources = (d: typeof eu) => (d.spec.template as { spec: { containers: { resources: unknown }[] } }).spec.containers[0]?.resources;
    expect(eu.spec.replicas).toBe(3);
    expect(us.spec.replicas).toBe(6);
    expect(resources(eu)).toEqual({ requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "512Mi" } });
    expect(resources(us)).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } });
    const hpa = (c: string) => yamlAt(result.files, `environments/prod/${c}/shop/api/horizontalpodautoscaler-api.yaml`).spec;
    expect([hpa("eu-1").minReplicas, hpa("eu-1").maxReplicas]).toEqual([3, 10]);
    expect([hpa("us-1").minReplicas, hpa("us-1").maxReplicas]).toEqual([3, 30]);
    for (const c of ["eu-1", "us-1"]) expect(yamlAt(result.files, `environments/prod/${c}/shop/namespace.yaml`).metadata).toMatchObject({ name: "shop-prod" });
  });

  it("keeps an environment on one cluster where it was, and nothing of prod outside the cluster folders", () => {
    const paths = [...result.files.keys()];
    expect(paths).toContain("environments/dev/shop/api/deployment-api.yaml");
    expect(paths).toContain("environments/dev/shop/namespace.yaml");
    expect(paths.filter((p) => p.startsWith("environments/prod/") && !/^environments\/prod\/(eu-1|us-1)\//.test(p))).toEqual([]);
    const byCluster = (c: string) => paths.filter((p) => p.startsWith(`environments/prod/${c}/`)).map((p) => p.slice(`environments/prod/${c}/`.length));
    expect(byCluster("us-1")).toEqual(byCluster("eu-1"));
    const prod = result.rendered.find((r) => r.environment === "prod");
    expect(prod?.clusters?.map((c) => c.cluster)).toEqual(["eu-1", "us-1"]);
    expect(result.rendered.find((r) => r.environment === "dev")?.clusters).toBeUndefined();
  });

  it("renders only manifests Kubernetes' schemas accept", () => {
    const errors: string[] = [];
    const manifests = [...result.files].filter(([p]) => p.startsWith("environments/"));
    expect(manifests.length).toBeGreaterThan(10);
    for (const [path, text] of manifests) errors.push(...schemaErrors(parse(text) as { kind: string }).map((e) => `${path}: ${e}`));
    expect(errors).toEqual([]);
  });

  it("reads back which release the environment runs only when every cluster runs it", () => {
    const prod = prodOf(bundle!);
    const prefix = "environments/prod/";
    const files = new Map([...result.files].filter(([p]) => p.startsWith(prefix)).map(([p, t]) => [p.slice(prefix.length), t]));
    const release = apps[0]!.release.metadata.name;
    const state = parseEnvironmentState(files, prod);
    expect([...state.components.keys()]).toEqual(["shop/api", "shop/worker"]);
    expect(state.components.get("shop/api")?.release).toBe(release);
    expect([...(state.components.get("shop/api")?.clusters ?? [])]).toEqual([
      ["eu-1", release],
      ["us-1", release],
    ]);
    const euOnly = new Map([...files].filter(([p]) => !p.startsWith("us-1/")));
    const partial = parseEnvironmentState(euOnly, prod).components.get("shop/api");
    expect(partial?.release).toBeUndefined();
    expect([...(partial?.clusters ?? [])]).toEqual([
      ["eu-1", release],
      ["us-1", undefined],
    ]);
    // Read as one cluster's environment, the cluster folders are no project.
    expect([...parseEnvironmentState(files).components.keys()]).toEqual(["eu-1/shop", "us-1/shop"]);
  });

  it("publishes, removes and promotes in every cluster's folder, and finds nothing else foreign", () => {
    const prod = prodOf(bundle!);
    const rendered = result.rendered.find((r) => r.environment === "prod" && r.release.metadata.component === "api")!;
    const changes = releaseChanges(prod, rendered.release, rendered.files);
    expect(changes.slice(0, 4).map((c) => [c.dir, [...c.files.keys()].sort(), c.prune])).toEqual([
      [
        "environments/prod/eu-1/shop/api",
        [...rendered.files.keys()]
          .filter((p) => p.startsWith("eu-1/"))
          .map((p) => p.slice("eu-1/shop/api/".length))
          .sort(),
        true,
      ],
      ["environments/prod/eu-1/shop", ["namespace.yaml"], false],
      [
        "environments/prod/us-1/shop/api",
        [...rendered.files.keys()]
          .filter((p) => p.startsWith("us-1/"))
          .map((p) => p.slice("us-1/shop/api/".length))
          .sort(),
        true,
      ],
      ["environments/prod/us-1/shop", ["namespace.yaml"], false],
    ]);
    const removal = commitContent(
      { kind: "remove", project: "shop", component: "api", env: prod, current: undefined, mode: "commit" },
      { repo: "acme/shop-api", sha: "b".repeat(40) },
    );
    expect(removal.changes.filter((c) => c.dir.startsWith("environments/")).map((c) => [c.dir, c.files.size, c.prune])).toEqual([
      ["environments/prod/eu-1/shop/api", 0, true],
      ["environments/prod/us-1/shop/api", 0, true],
    ]);
    const paths = promotionPaths(prod, "shop", "api");
    expect(paths.componentDirs).toEqual(["environments/prod/eu-1/shop/api", "environments/prod/us-1/shop/api"]);
    const written = changes.flatMap((c) => [...c.files.keys()].map((f) => `${c.dir}/${f}`));
    expect(foreignChanges(written, paths)).toEqual([]);
    expect(foreignChanges(["environments/prod/shop/api/deployment-api.yaml", "environments/prod/ap-1/shop/api/x.yaml"], paths)).toEqual([
      "environments/prod/ap-1/shop/api/x.yaml",
      "environments/prod/shop/api/deployment-api.yaml",
    ]);
  });
});

describe("ferry bootstrap for a platform with an environment on several clusters", () => {
  const { bundle } = bundleOf(platformYaml(TWO_CLUSTERS));

  it("gives Argo CD the single-cluster environments' ApplicationSet and one Application per cluster of prod", () => {
    const [single, clusters] = bootstrapObjects({ platform: bundle!, applier: "argocd", envs: [], server: "https://github.com" }) as {
      metadata: { name: string };
      spec: { generators: { list: { elements: { environment: string; path: string; clusterName?: string }[] } }[] };
    }[];
    expect(single?.spec.generators[0]?.list.elements.map((e) => [e.environment, e.path])).toEqual([["dev", "environments/dev"]]);
    expect(clusters?.metadata.name).toBe("ferry-clusters");
    expect(clusters?.spec.generators[0]?.list.elements.map((e) => [e.environment, e.path, e.clusterName])).toEqual([
      ["prod", "environments/prod/eu-1", "prod-eu-1"],
      ["prod", "environments/prod/us-1", "prod-us-1"],
    ]);
  });

  it("gives the previews' `from` environment, when selected, what applies its previews/ folder (Argo CD and Flux)", () => {
    const { bundle: withPreviews, diagnostics } = bundleOf(platformYaml(TWO_CLUSTERS, "  previews: {from: dev, trigger: label}\n"));
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    type Obj = {
      kind: string;
      metadata: { name: string };
      spec: { path?: string; generators?: { git?: { repoURL: string; directories: { path: string }[] } }[] };
    };
    const objects = (applier: "argocd" | "flux", envs: string[]) =>
      bootstrapObjects({ platform: withPreviews!, applier, envs, server: "https://github.com" }) as Obj[];
    const argo = objects("argocd", []);
    expect(argo.map((o) => o.metadata.name)).toEqual(["ferry", "ferry-clusters", "ferry-previews"]);
    expect(argo[2]?.spec.generators?.[0]?.git).toEqual({
      repoURL: "https://github.com/acme/gitops.git",
      revision: "main",
      directories: [{ path: "previews/pr-*" }],
    });
    expect(objects("argocd", ["prod"]).map((o) => o.metadata.name)).toEqual(["ferry-clusters"]);
    expect(objects("flux", ["dev"]).map((o) => [o.kind, o.metadata.name, o.spec.path])).toEqual([
      ["GitRepository", "ferry-dev", undefined],
      ["Kustomization", "ferry-dev", "./environments/dev"],
      ["GitRepository", "ferry-dev-previews", undefined],
      ["Kustomization", "ferry-dev-previews", "./"],
    ]);
    expect(objects("flux", ["prod"]).map((o) => o.metadata.name)).not.toContain("ferry-dev-previews");
    // Without previews, nothing for them.
    expect(bootstrapObjects({ platform: bundle!, applier: "argocd", envs: [], server: "https://github.com" })).toHaveLength(2);
  });

  it("gives Flux one Kustomization per cluster of the environment asked for", () => {
    const objects = bootstrapObjects({ platform: bundle!, applier: "flux", envs: ["prod"], server: "https://github.com" }) as {
      kind: string;
      spec: { path?: string };
    }[];
    expect(objects.map((o) => [o.kind, o.spec.path])).toEqual([
      ["GitRepository", undefined],
      ["Kustomization", "./environments/prod/eu-1"],
      ["Kustomization", "./environments/prod/us-1"],
    ]);
  });
});
