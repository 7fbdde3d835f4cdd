import { describe, expect, it } from "vitest";
import { buildPlatformBundle } from "../../../core/platform-bundle.js";
import { decidePreview } from "../../../core/preview-env/decide.js";
import { renderRelease } from "../../../core/render.js";
import type { PresentPreview, PreviewEnvInput, PreviewPull } from "../../../core/preview-env/decide.js";
import { catalogKey, loadApps } from "../../../renderers/apps.js";
import { CelEngine } from "../../../renderers/cel.js";
import type { Diagnostic } from "../../../renderers/diagnostics.js";
import { loadPlatformSources } from "../../../renderers/load.js";
import { parse } from "yaml";
import { loadBuiltins } from "../../../templates/index.js";
import { previewSignalEnvironment, readPreviewSignals } from "../../../flows/preview-env/run.js";
import type { PrometheusPort } from "../../../adapters/prometheus/client.js";

const DEV_CLUSTER = "cluster: {context: dev}";

const platformYaml = (previews: string, dev = DEV_CLUSTER, extra = "") => `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata:
  name: acme
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  pricing: {cpu: 20, memory: 4, currency: EUR}
${extra}  environments:
    - name: dev
      ${dev}
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
    - name: prod
      production: true
      cluster: {context: prod}
      gitops: {repo: acme/gitops-prod, branch: main, path: environments/prod}
  previews:
${previews}`;

const API = `apiVersion: ferry.dev/v1alpha1
kind: Component
metadata:
  name: api
  project: shop
spec:
  type: service
  container:
    image: ghcr.io/acme/api:1.0.0
    resources: {cpu: 500m, memory: 512Mi}
    probes:
      readiness: {httpGet: {path: /healthz, port: http}}
    env:
      - name: DB_PASSWORD
        secretRef: {name: db, key: password}
  endpoints:
    http: {type: HTTP, port: 8080, visibility: [project, public]}
  dependencies:
    - component: stock
      endpoint: http
      env: {url: STOCK_URL}
  traits:
    - type: route
      name: web
      parameters: {endpoint: http, host: api.dev.example.com}
`;

const STOCK = `apiVersion: ferry.dev/v1alpha1
kind: Component
metadata:
  name: stock
  project: shop
spec:
  type: service
  container:
    image: ghcr.io/acme/stock:1.0.0
    resources: {cpu: 100m, memory: 128Mi}
    probes:
      readiness: {httpGet: {path: /healthz, port: http}}
  endpoints:
    http: {type: HTTP, port: 8080}
`;

const SETTINGS = `    from: dev\n    trigger: label\n    maxMonthlyCost: 50\n    host: "pr-\${pr}-\${component}.preview.example.com"\n`;

function setup(previews = SETTINGS, dev = DEV_CLUSTER, api = API, extra = "") {
  const diagnostics: Diagnostic[] = [];
  const bundle = buildPlatformBundle(
    loadPlatformSources("platform", new Map([[".ferry/platform.yaml", platformYaml(previews, dev, extra)]]), diagnostics),
    loadBuiltins(),
    diagnostics,
  );
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const components = loadApps(
    bundle!,
    [
      {
        repo: "acme/shop-api",
        root: "",
        files: new Map([
          [".ferry/api.yaml", api],
          [".ferry/stock.yaml", STOCK],
        ]),
      },
    ],
    diagnostics,
  );
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const catalog = new Map(components.map((c) => [catalogKey(c.release.metadata.project, c.release.metadata.component), c.component]));
  return { bundle: bundle!, components, catalog };
}

const PULL: PreviewPull = { repo: "acme/shop-api", number: 7, headSha: "a".repeat(40), fork: false, labels: ["ferry:preview"] };

function decide(over: Partial<PreviewEnvInput> = {}, previews?: string, dev?: string, api?: string) {
  const s = setup(previews, dev, api);
  return decidePreview({ ...s, pull: PULL, changed: ["shop/api"], cel: new CelEngine(), present: [], ...over });
}

type Decision = ReturnType<typeof decide>;
function preview(d: Decision): Extract<Decision, { kind: "preview" }> {
  if (d.kind !== "preview") throw new Error(`refused (${d.code}): ${d.reason}`);
  return d;
}
function refusal(d: Decision): Extract<Decision, { kind: "refused" }> {
  if (d.kind !== "refused") throw new Error(`not refused: ${d.dir}`);
  return d;
}

describe("decidePreview", () => {
  it("renders only the changed components into <project>-pr-<n> under previews/pr-<n>/, with the preview host as URL", () => {
    const d = preview(decide());
    expect(d.dir).toBe("previews/pr-7");
    expect(d.namespaces).toEqual(["shop-pr-7"]);
    expect(d.components).toEqual([{ key: "shop/api", release: expect.any(String), namespace: "shop-pr-7", urls: ["https://pr-7-api.preview.example.com"] }]);
    expect([...d.files.keys()].every((p) => p === "shop/namespace.yaml" || p.startsWith("shop/api/"))).toBe(true);
    const objects = [...d.files.values()].map((t) => parse(t) as unknown) as { kind: string; metadata: { name: string; namespace?: string } }[];
    expect(objects.find((o) => o.kind === "Namespace")?.metadata).toMatchObject({ name: "shop-pr-7", labels: { "ferry.dev/preview": "7" } });
    // Every namespaced object lives in the preview's namespace: its secretKeyRefs resolve there only.
    expect(objects.filter((o) => o.kind !== "Namespace").every((o) => o.metadata.namespace === "shop-pr-7")).toBe(true);
    const route = [...d.files].find(([p]) => p.startsWith("shop/api/httproute-"))?.[1] ?? "";
    expect(route).toContain("pr-7-api.preview.example.com");
    expect(route).not.toContain("api.dev.example.com");
  });

  it("labels every object of the preview and every pod template ferry.dev/preview: <n>, so its pods stay out of the from environment's health", () => {
    // A job component too: its pod template is a Job's; the api's a Deployment's.
    const job = `apiVersion: ferry.dev/v1alpha1
kind: Component
metadata:
  name: migrate
  project: shop
  labels: {ferry.dev/preview: "99"}
spec:
  type: scheduled-task
  parameters: {schedule: "0 3 * * *"}
  container:
    image: ghcr.io/acme/migrate:1.0.0
    resources: {cpu: 100m, memory: 128Mi}
`;
    const s = setup();
    const extra = loadApps(s.bundle, [{ repo: "acme/shop-api", root: "", files: new Map([[".ferry/migrate.yaml", job]]) }], []);
    expect(extra).toHaveLength(1);
    const components = [...s.components, ...extra];
    const d = preview(decidePreview({ ...s, components, pull: PULL, changed: ["shop/api", "shop/migrate"], cel: new CelEngine(), present: [] }));
    type Labelled = { metadata?: { labels?: Record<string, string> } };
    type Obj = Labelled & { kind: string; spec?: { template?: Labelled; jobTemplate?: Labelled & { spec?: { template?: Labelled } } } };
    const objects = [...d.files.values()].map((t) => parse(t) as Obj);
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(["Namespace", "Deployment", "CronJob", "Service"]));
    for (const o of objects) expect(o.metadata?.labels?.["ferry.dev/preview"], o.kind).toBe("7");
    const templates = objects.flatMap((o) => [o.spec?.template, o.spec?.jobTemplate, o.spec?.jobTemplate?.spec?.template].filter((t) => t !== undefined));
    expect(templates.length).toBeGreaterThanOrEqual(3);
    for (const t of templates) expect(t.metadata?.labels?.["ferry.dev/preview"]).toBe("7");

    // The environment's own render carries the label nowhere, even when a component claims it.
    const dev = s.bundle.platform.spec.environments.find((e) => e.name === "dev")!;
    const migrate = extra[0]!;
    const own = renderRelease(migrate.release, dev, s.bundle, s.catalog, new CelEngine(), migrate.locate);
    expect(own.objects.length).toBeGreaterThan(0);
    expect([...own.files.values()].join("\n")).not.toContain("ferry.dev/preview");
  });

  it("runs a preview of an environment on several clusters on its first wave's first cluster, with that cluster's overrides, in one folder", () => {
    // Wave beats name: b-1 (wave 1) before a-1 (wave 2); c-1 is in wave 1 too but after b-1 by name.
    const dev = "clusters: [{name: a-1, context: dev-a, wave: 2}, {name: c-1, context: dev-c, wave: 1}, {name: b-1, context: dev-b, wave: 1}]";
    const api = API.replace(
      "  traits:\n",
      "  environments:\n    dev:\n      replicas: 2\n      clusters: {a-1: {replicas: 5}, b-1: {replicas: 3}}\n  traits:\n",
    );
    const d = preview(decide({}, undefined, dev, api));
    expect(d.cluster).toBe("b-1");
    expect(d.dir).toBe("previews/pr-7");
    // No cluster folder: all of previews/ goes to the one cluster.
    expect([...d.files.keys()].every((p) => p === "shop/namespace.yaml" || p.startsWith("shop/api/"))).toBe(true);
    const deployment = parse(d.files.get("shop/api/deployment-api.yaml") ?? "") as { spec: { replicas: number }; metadata: { namespace: string } };
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.metadata.namespace).toBe("shop-pr-7");
  });

  it("points an unchanged dependency at the from environment's namespace, a changed one at the preview's", () => {
    const unchanged = decide();
    const text = (d: ReturnType<typeof decide>) => (d.kind === "preview" ? [...d.files.values()].join("\n") : "");
    expect(text(unchanged)).toContain("http://stock.shop-dev.svc.cluster.local:8080");
    const both = decide({ changed: ["shop/api", "shop/stock"] });
    expect(text(both)).toContain("http://stock.shop-pr-7.svc.cluster.local:8080");
    expect(text(both)).not.toContain("shop-dev.svc");
  });

  it("never previews a fork, even labelled", () => {
    const d = decide({ pull: { ...PULL, fork: true } });
    expect(d).toMatchObject({ kind: "refused", code: "fork" });
  });

  it("needs the ferry:preview label with trigger: label, not with trigger: always", () => {
    expect(decide({ pull: { ...PULL, labels: ["bug"] } })).toMatchObject({ kind: "refused", code: "label" });
    const always = preview(decide({ pull: { ...PULL, labels: [] } }, "    from: dev\n    trigger: always\n"));
    // Without previews.host the preview has no route: it never answers on the from environment's host.
    expect(always.components[0]?.urls).toEqual([]);
    expect([...always.files.keys()].some((p) => p.includes("httproute"))).toBe(false);
    expect([...always.files.values()].join("\n")).not.toContain("api.dev.example.com");
  });

  it("refuses above maxMonthlyCost, quoting the estimate and the cap", () => {
    // api: 0.5 cpu * 20 + 0.5 GiB * 4 = 12 EUR a month (one replica in dev).
    expect(preview(decide({}, "    from: dev\n    maxMonthlyCost: 12\n")).cost.monthly).toBe(12);
    const over = refusal(decide({}, "    from: dev\n    maxMonthlyCost: 11.5\n"));
    expect(over.code).toBe("cost");
    expect(over.reason).toContain("EUR 12.00, is above previews.maxMonthlyCost (EUR 11.50)");
  });

  it("refuses past maxPerProject, naming the oldest; the pull request's own preview does not count", () => {
    const present: PresentPreview[] = [
      { repo: "acme/shop-api", pr: 3, projects: ["shop"], createdAt: "2026-12-02T10:00:00Z" },
      { repo: "acme/shop-api", pr: 2, projects: ["shop"], createdAt: "2026-12-01T09:00:00Z" },
      { repo: "acme/shop-api", pr: 7, projects: ["shop"], createdAt: "2026-11-01T09:00:00Z" },
    ];
    const refusedOne = refusal(decide({ present }, "    from: dev\n    maxPerProject: 2\n"));
    expect(refusedOne.code).toBe("limit");
    expect(refusedOne.reason).toContain("the oldest is acme/shop-api#2, created 2026-12-01T09:00:00Z");
    expect(decide({ present }, "    from: dev\n    maxPerProject: 3\n").kind).toBe("preview");
  });

  it("gives no preview when the pull request changes nothing the from environment runs differently", () => {
    expect(decide({ changed: [] })).toMatchObject({ kind: "refused", code: "unchanged" });
  });

  it("is deterministic: the same inputs give byte-identical files", () => {
    const a = decide();
    const b = decide();
    expect([...preview(a).files]).toEqual([...preview(b).files]);
  });

  it("reads a preview's signals in its namespace from the preview cluster's Prometheus, unread ones with why", async () => {
    const dev = "clusters: [{name: b-1, context: dev-b, prometheus: prom-b, wave: 2}, {name: a-1, context: dev-a, prometheus: prom-a, wave: 1}]";
    const observability =
      "  observability:\n    prometheus:\n      - {name: prom-a, url: http://prom-a:9090}\n      - {name: prom-b, url: http://prom-b:9090}\n";
    const s = setup(SETTINGS, dev, API, observability);
    const from = s.bundle.platform.spec.environments.find((e) => e.name === "dev")!;
    const env = previewSignalEnvironment(from, "a-1", 7);
    expect(env.cluster).toEqual({ context: "dev-a", prometheus: "prom-a" });
    expect(env.clusters).toBeUndefined();
    const asked: string[] = [];
    const port: PrometheusPort = {
      query: (expr) => {
        asked.push(expr);
        return Promise.resolve(asked.length === 1 ? { ok: true, value: 0.25 } : { ok: false, error: { kind: "unreachable", message: "connection refused" } });
      },
      queryRange: () => Promise.resolve({ ok: true, value: [] }),
    };
    const endpoints: string[] = [];
    const api = s.components.find((c) => c.release.metadata.component === "api")!;
    const signals = await readPreviewSignals(
      s.bundle.platform,
      env,
      [{ key: "shop/api", release: api.release }],
      (platform, e) => {
        endpoints.push(e.cluster?.prometheus ?? "");
        const endpoint = platform.spec.observability!.prometheus.find((p) => p.name === e.cluster?.prometheus)!;
        return { ok: true, endpoint, port };
      },
      new Date("2026-03-02T10:00:00Z"),
    );
    expect(endpoints).toEqual(["prom-a"]);
    expect(asked.length).toBeGreaterThan(1);
    expect(asked.every((q) => q.includes('"shop-pr-7"') && !q.includes("shop-dev"))).toBe(true);
    expect(signals[0]).toMatchObject({ key: "shop/api", value: 0.25 });
    expect(signals.slice(1).every((x) => x.value === undefined && x.error === "connection refused")).toBe(true);
    // Without a Prometheus for the environment: nothing is read, nothing is shown.
    expect(
      await readPreviewSignals(
        s.bundle.platform,
        previewSignalEnvironment(from, undefined, 7),
        [{ key: "shop/api", release: api.release }],
        () => ({ ok: false, error: "none" }),
        new Date(),
      ),
    ).toEqual([]);
  });
});
