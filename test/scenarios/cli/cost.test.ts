/** `ferry cost` on the bundled example against hand-computed figures, and `--usage` against the fake Kubernetes API with PodMetrics. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeKube, generateCerts, podMetrics, succeedingRollout, writeKubeconfig } from "../../support/fake-kube/index.js";
import { Scratch, runCli } from "../../support/workspace.js";

// The example platform's prices (examples/platform/.ferry/platform.yaml): per vCPU-month, GiB-month of memory, GiB-month of storage.
const CPU = 23;
const MEMORY = 3.1;
const STORAGE = 0.1;
const pod = (cpu: number, memoryGiB: number) => cpu * CPU + memoryGiB * MEMORY;
const cents = (n: number) => Math.round(n * 100) / 100;

interface CostJson {
  currency: string;
  environments: {
    name: string;
    monthly: number;
    max: number;
    projects: { project: string; monthly: number; max: number }[];
    components: { project: string; component: string; monthly: number; min: number; max: number }[];
  }[];
  usage?: {
    environment: string;
    cluster?: string;
    context?: string;
    skipped?: string;
    suggestions: {
      project: string;
      component: string;
      container: string;
      resource: string;
      request: number;
      usage: number;
      verdict: string;
      suggested: number;
      replicas: number;
      monthlyDelta: number;
    }[];
  }[];
}

describe("ferry cost on the bundled example", () => {
  it("prints each component's monthly figure and range per environment, with project and environment totals", async () => {
    const run = await runCli(["cost", "examples/apps", "--platform", "examples/platform", "--env", "prod", "--json"]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as CostJson;
    expect(out.currency).toBe("EUR");
    expect(out.environments.map((e) => e.name)).toEqual(["prod"]);
    const prod = out.environments[0]!;
    // prod resources and replicas from examples/apps: autoscaled services count minReplicas, show maxReplicas as max.
    // prod runs on two clusters (eu-1, us-1): every component counts twice, checkout-api with us-1's own overrides.
    const checkout = pod(0.5, 0.5); // 500m, 512Mi; 3-20 (eu-1)
    const checkoutUs = pod(0.5, 0.75); // us-1: 500m, 768Mi; 4-30
    const web = pod(0.5, 0.75); // 500m, 768Mi; 4-30
    const orders = pod(0.25, 0.25); // 250m, 256Mi x 2
    const paymentsApi = pod(1, 1); // 1, 1Gi; 3-12
    const db = 2 * pod(2 + 0.02, 4 + 32 / 1024) + 200 * STORAGE; // 2 replicas of 2 CPU/4Gi plus the log-shipper sidecar (20m/32Mi); 200Gi claim
    const payout = 10 * STORAGE; // a CronJob (not costed) with a 10Gi claim
    const settlement = pod(0.5, 0.5); // x 2
    const expected = [
      ["payments", "payments-api", 2 * 3 * paymentsApi, 2 * 12 * paymentsApi],
      ["payments", "payments-db", 2 * db, 2 * db],
      ["payments", "payout-reconciliation", 2 * payout, 2 * payout],
      ["payments", "settlement-worker", 2 * 2 * settlement, 2 * 2 * settlement],
      ["storefront", "checkout-api", 3 * checkout + 4 * checkoutUs, 20 * checkout + 30 * checkoutUs],
      ["storefront", "nightly-sales-report", 0, 0],
      ["storefront", "order-events", 2 * 2 * orders, 2 * 2 * orders],
      ["storefront", "storefront-web", 2 * 4 * web, 2 * 30 * web],
    ] as const;
    expect(prod.components.map((c) => [c.project, c.component, c.monthly, c.min, c.max])).toEqual(
      expected.map(([p, c, min, max]) => [p, c, cents(min), cents(min), cents(max)]),
    );
    expect(prod.components.find((c) => c.component === "checkout-api")?.monthly).toBe(94.45);
    const payments = 2 * (3 * paymentsApi + db + payout + 2 * settlement);
    const storefront = 3 * checkout + 4 * checkoutUs + 2 * (2 * orders + 4 * web);
    expect(prod.projects).toEqual([
      { project: "payments", monthly: cents(payments), max: cents(2 * (12 * paymentsApi + db + payout + 2 * settlement)) },
      { project: "storefront", monthly: cents(storefront), max: cents(20 * checkout + 30 * checkoutUs + 2 * (2 * orders + 30 * web)) },
    ]);
    expect(prod.monthly).toBe(cents(payments + storefront));

    const text = await runCli(["cost", "examples/apps", "--platform", "examples/platform"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ENVIRONMENT\s+COMPONENT\s+REPLICAS\s+CPU\s+MEMORY GiB\s+STORAGE GiB\s+MONTHLY\s+MAX$/m);
    expect(text.stdout).toMatch(/^prod\s+storefront\/checkout-api\s+7-50\s+3\.5\s+4\.5\s+0\s+EUR 94\.45\s+EUR 675\.75$/m);
    expect(text.stdout).toMatch(new RegExp(`^prod\\s+total\\s+EUR ${cents(payments + storefront).toFixed(2)}\\s+`, "m"));
    expect(text.stdout).toMatch(/^\s+prod storefront\/nightly-sales-report: CronJob\/nightly-sales-report is not costed/m);
    expect(text.stdout.indexOf("\ndev ")).toBeLessThan(text.stdout.indexOf("\nstaging "));
  });

  it("refuses --kubeconfig without --usage and an unknown environment", async () => {
    expect((await runCli(["cost", "examples/apps", "--platform", "examples/platform", "--kubeconfig", "k"])).code).toBe(2);
    expect((await runCli(["cost", "examples/apps", "--platform", "examples/platform", "--env", "qa"])).code).toBe(2);
  });
});

const PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  environments:
    - name: dev
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
    - name: prod
      production: true
      cluster: {context: kind-prod}
      gitops: {repo: acme/gitops, branch: main, path: environments/prod}
  pricing: {cpu: 20, memory: 4, storage: 0.1, currency: EUR}
`;

function component(name: string, cpu: string, memory: string, replicas: number): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Component
metadata: {name: ${name}, project: shop}
spec:
  type: worker
  container:
    image: ghcr.io/acme/${name}:1.0.0
    resources: {cpu: 100m, memory: 128Mi}
  environments:
    prod:
      replicas: ${replicas}
      resources: {cpu: ${cpu}, memory: ${memory}}
`;
}

describe("ferry cost --usage", () => {
  const s = new Scratch();
  let kube: FakeKube;
  let kubeconfig: string;

  beforeAll(async () => {
    kube = await FakeKube.start({ certs: generateCerts(), metrics: true });
    s.write("platform", { ".ferry/platform.yaml": PLATFORM });
    // api asks for 1 CPU and 1Gi and uses a fraction; worker asks for 200m and 256Mi and runs at the limit.
    s.write("apps/acme/shop-api", { ".ferry/api.yaml": component("api", '"1"', "1Gi", 3), ".ferry/worker.yaml": component("worker", "200m", "256Mi", 2) });
    kubeconfig = writeKubeconfig(s.path("kubeconfig.yaml"), [{ context: "kind-prod", server: kube.url, caPem: kube.caPem, token: kube.token }]);
    const api = { project: "shop", component: "api", environment: "prod", release: "r1", replicas: 3 };
    const worker = { project: "shop", component: "worker", environment: "prod", release: "r1", replicas: 2 };
    for (const w of [api, worker]) kube.applyStep(succeedingRollout(w).steps.at(-1)!);
    kube.apply(podMetrics(api, 0, { main: { cpu: "150m", memory: "400Mi" } }));
    kube.apply(podMetrics(api, 1, { main: { cpu: "210m", memory: "600Mi" } }));
    kube.apply(podMetrics(api, 2, { main: { cpu: "180m", memory: "500Mi" } }));
    kube.apply(podMetrics(worker, 0, { main: { cpu: "195m", memory: "250Mi" } }));
    kube.apply(podMetrics(worker, 1, { main: { cpu: "170m", memory: "240Mi" } }));
  });

  afterAll(async () => {
    await kube.close();
    s.cleanup();
  });

  it("suggests lower requests for the over-provisioned component and higher ones for the under-provisioned one, in money", async () => {
    const run = await runCli(["cost", s.path("apps"), "--platform", s.path("platform"), "--usage", "--json"], { KUBECONFIG: kubeconfig });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as CostJson;
    expect(out.usage?.map((u) => [u.environment, u.skipped])).toEqual([
      ["dev", "no cluster context in the platform (environments[].cluster.context)"],
      ["prod", undefined],
    ]);
    const rows = out.usage![1]!.suggestions.map((x) => [x.component, x.resource, x.verdict, x.request, x.usage, x.suggested, x.replicas, x.monthlyDelta]);
    const MiB = 2 ** 20;
    // api: highest CPU 210m of 1 (21%) -> 210m / 0.7 = 300m; highest memory 600Mi of 1Gi (59%) stays; 3 replicas.
    // worker: 195m of 200m (98%) -> 278.6m -> 280m; 250Mi of 256Mi (98%) -> 357.1Mi -> 368Mi; 2 replicas.
    expect(rows).toEqual([
      ["api", "cpu", "over-provisioned", 1, 0.21, 0.3, 3, cents((0.3 - 1) * 3 * 20)],
      ["api", "memory", "ok", 1024 * MiB, 600 * MiB, 1024 * MiB, 3, 0],
      ["worker", "cpu", "under-provisioned", 0.2, 0.195, 0.28, 2, cents((0.28 - 0.2) * 2 * 20)],
      ["worker", "memory", "under-provisioned", 256 * MiB, 250 * MiB, 368 * MiB, 2, cents(((368 - 256) / 1024) * 2 * 4)],
    ]);
    expect(kube.requests.filter((r) => r.path === "/apis/metrics.k8s.io/v1beta1/namespaces/shop-prod/pods")).toHaveLength(1);

    const text = await runCli(["cost", s.path("apps"), "--platform", s.path("platform"), "--env", "prod", "--usage"], { KUBECONFIG: kubeconfig });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Usage in prod \(context kind-prod\):$/m);
    expect(text.stdout).toMatch(/^shop\/api\s+main\s+cpu\s+1\s+210m\s+21%\s+3\s+300m\s+3\s+-EUR 42\.00\s+over-provisioned: saving$/m);
    expect(text.stdout).toMatch(/^shop\/worker\s+main\s+cpu\s+200m\s+195m\s+98%\s+2\s+280m\s+2\s+\+EUR 3\.20\s+under-provisioned: risk$/m);
  });

  it("exits 1 naming the environment whose cluster cannot be read", async () => {
    const other = writeKubeconfig(s.path("wrong.yaml"), [{ context: "kind-prod", server: kube.url, caPem: kube.caPem, token: "wrong" }]);
    const run = await runCli(["cost", s.path("apps"), "--platform", s.path("platform"), "--env", "prod", "--usage", "--kubeconfig", other]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ {2}prod: unreachable: cannot read usage from context "kind-prod": .*401/m);
  });
});

const CLUSTERS_PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  environments:
    - name: prod
      production: true
      gitops: {repo: acme/gitops, branch: main, path: environments/prod}
      clusters:
        - {name: us-1, context: kind-us, wave: 2}
        - {name: eu-1, context: kind-eu, wave: 1}
  pricing: {cpu: 20, memory: 4, storage: 0.1, currency: EUR}
`;

describe("ferry cost for an environment on several clusters", () => {
  const s = new Scratch();
  let eu: FakeKube;
  let us: FakeKube;
  let kubeconfig: string;

  beforeAll(async () => {
    const certs = generateCerts();
    eu = await FakeKube.start({ certs, metrics: true });
    us = await FakeKube.start({ certs, metrics: true });
    s.write("platform", { ".ferry/platform.yaml": CLUSTERS_PLATFORM });
    // api: 1 CPU and 1Gi a pod (EUR 24 a month); 2 pods in eu-1, 3 in us-1 (its own override).
    s.write("apps/acme/shop-api", {
      ".ferry/api.yaml": component("api", '"1"', "1Gi", 2).replace("      resources:", "      clusters: {us-1: {replicas: 3}}\n      resources:"),
    });
    kubeconfig = writeKubeconfig(s.path("kubeconfig.yaml"), [
      { context: "kind-eu", server: eu.url, caPem: eu.caPem, token: eu.token },
      { context: "kind-us", server: us.url, caPem: us.caPem, token: us.token },
    ]);
    const api = (replicas: number) => ({ project: "shop", component: "api", environment: "prod", release: "r1", replicas });
    eu.applyStep(succeedingRollout(api(2)).steps.at(-1)!);
    us.applyStep(succeedingRollout(api(3)).steps.at(-1)!);
    // eu-1 runs hot (950m of 1 CPU), us-1 idles (200m).
    for (const i of [0, 1]) eu.apply(podMetrics(api(2), i, { main: { cpu: "950m", memory: "600Mi" } }));
    for (const i of [0, 1, 2]) us.apply(podMetrics(api(3), i, { main: { cpu: "200m", memory: "600Mi" } }));
  });

  afterAll(async () => {
    await eu.close();
    await us.close();
    s.cleanup();
  });

  it("counts the component once per cluster: a row per cluster, each cluster's total and the environment's", async () => {
    const run = await runCli(["cost", s.path("apps"), "--platform", s.path("platform"), "--json"]);
    expect(run.code).toBe(0);
    const [prod] = (JSON.parse(run.stdout) as { environments: { monthly: number; clusters?: unknown; components: Record<string, unknown>[] }[] }).environments;
    expect(prod?.monthly).toBe(120);
    expect(prod?.clusters).toEqual([
      { name: "eu-1", monthly: 48, max: 48 },
      { name: "us-1", monthly: 72, max: 72 },
    ]);
    expect(prod?.components[0]).toMatchObject({ component: "api", monthly: 120, replicas: 5, cpu: 5 });
    expect((prod?.components[0]?.clusters as { name: string; monthly: number; replicas: number }[]).map((c) => [c.name, c.monthly, c.replicas])).toEqual([
      ["eu-1", 48, 2],
      ["us-1", 72, 3],
    ]);
    const text = await runCli(["cost", s.path("apps"), "--platform", s.path("platform")]);
    const rows = text.stdout.split("\n").filter((l) => l.startsWith("prod"));
    expect(rows.map((l) => l.split(/\s{2,}/))).toEqual([
      ["prod", "shop/api", "5", "5", "5", "0", "EUR 120.00", "EUR 120.00"],
      ["prod/eu-1", "shop/api", "2", "2", "2", "0", "EUR 48.00", "EUR 48.00"],
      ["prod/us-1", "shop/api", "3", "3", "3", "0", "EUR 72.00", "EUR 72.00"],
      ["prod", "shop (project)", "EUR 120.00", "EUR 120.00"],
      ["prod/eu-1", "total", "EUR 48.00", "EUR 48.00"],
      ["prod/us-1", "total", "EUR 72.00", "EUR 72.00"],
      ["prod", "total", "EUR 120.00", "EUR 120.00"],
    ]);
  });

  it("reads usage in each cluster through its own context and suggests per cluster", async () => {
    const run = await runCli(["cost", s.path("apps"), "--platform", s.path("platform"), "--usage", "--json"], { KUBECONFIG: kubeconfig });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as CostJson;
    expect(out.usage?.map((u) => [u.environment, u.cluster, u.context])).toEqual([
      ["prod", "eu-1", "kind-eu"],
      ["prod", "us-1", "kind-us"],
    ]);
    const cpu = out.usage!.map((u) =>
      u.suggestions.filter((x) => x.resource === "cpu").map((x) => [x.verdict, x.usage, x.suggested, x.replicas, x.monthlyDelta]),
    );
    // eu-1: 950m / 0.7 -> 1.36 cores x 2 pods; us-1: 200m / 0.7 -> 290m x 3 pods.
    expect(cpu).toEqual([[["under-provisioned", 0.95, 1.36, 2, cents(0.36 * 2 * 20)]], [["over-provisioned", 0.2, 0.29, 3, cents(-0.71 * 3 * 20)]]]);
    const text = await runCli(["cost", s.path("apps"), "--platform", s.path("platform"), "--usage"], { KUBECONFIG: kubeconfig });
    expect(text.stdout).toMatch(/^Usage in prod\/eu-1 \(context kind-eu\):$/m);
    expect(text.stdout).toMatch(/^Usage in prod\/us-1 \(context kind-us\):$/m);

    const onlyEu = writeKubeconfig(s.path("eu.yaml"), [{ context: "kind-eu", server: eu.url, caPem: eu.caPem, token: eu.token }]);
    const half = await runCli(["cost", s.path("apps"), "--platform", s.path("platform"), "--usage", "--kubeconfig", onlyEu]);
    expect(half.code).toBe(1);
    expect(half.stderr).toMatch(/^ {2}prod\/us-1: unreachable: /m);
  });
});
