import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readTree } from "../../../adapters/fs/files.js";
import { schemaErrors } from "../../support/k8s-schemas.js";
import { Scratch, runCli } from "../../support/workspace.js";

/** The README's first command, on the bundled examples. */
const s = new Scratch();
afterAll(() => s.cleanup());

/** The bundled example as it was with every environment on one cluster, frozen. */
const SINGLE_CLUSTER = "test/fixtures/single-cluster-platform";

/** What the first render printed, its output directory written as `rendered`. */
let summary = "";

const render = (out: string) => runCli(["render", "examples/apps", "--platform", "examples/platform", "--out", out]);

describe("the bundled examples", () => {
  it("render and print a summary line per environment", async () => {
    const run = await render(s.path("a"));
    expect(run.stderr).not.toMatch(/: error:/);
    expect(run.code).toBe(0);
    summary = run.stdout.replaceAll(s.path("a"), "rendered");
    for (const env of ["dev", "staging", "prod"]) {
      expect(run.stdout).toMatch(new RegExp(`^${env}\\s+\\d+ components\\s+\\d+ objects`, "m"));
    }
  });

  it("validate every rendered object, in every environment, against Kubernetes' schemas", () => {
    const tree = readTree(s.path("a"));
    const manifests = [...tree].filter(([p]) => p.startsWith("environments/"));
    expect(manifests.length).toBeGreaterThan(50);
    const kinds = new Set<string>();
    const errors: string[] = [];
    for (const [path, text] of manifests) {
      const obj = parse(text) as { kind: string };
      kinds.add(obj.kind);
      errors.push(...schemaErrors(obj).map((e) => `${path}: ${e}`));
    }
    expect(errors).toEqual([]);
    const validated = new Set(manifests.map(([p]) => p.split("/").slice(0, 3).join("/")));
    for (const folder of ["environments/dev/storefront", "environments/staging/payments", "environments/prod/eu-1", "environments/prod/us-1"])
      expect(validated, `validated manifests in ${folder}`).toContain(folder);
    for (const kind of [
      "Deployment",
      "StatefulSet",
      "CronJob",
      "Service",
      "ServiceAccount",
      "ConfigMap",
      "NetworkPolicy",
      "HorizontalPodAutoscaler",
      "HTTPRoute",
      "PersistentVolumeClaim",
      "PodDisruptionBudget",
      "Namespace",
    ]) {
      expect(kinds, `a rendered ${kind}`).toContain(kind);
    }
  });

  it("render prod once per cluster, into environments/prod/<cluster>/, with the component's per-cluster overrides", () => {
    const tree = readTree(s.path("a"));
    const prod = [...tree.keys()].filter((p) => p.startsWith("environments/prod/"));
    expect(new Set(prod.map((p) => p.split("/")[2]))).toEqual(new Set(["eu-1", "us-1"]));
    const under = (cluster: string) =>
      prod
        .filter((p) => p.startsWith(`environments/prod/${cluster}/`))
        .map((p) => p.slice(`environments/prod/${cluster}/`.length))
        .sort();
    expect(under("us-1")).toEqual(under("eu-1"));
    expect(under("eu-1").length).toBeGreaterThan(50);
    // checkout-api's `environments.prod.clusters.us-1` is merged over its prod settings: us-1 alone differs.
    const hpa = (cluster: string) =>
      parse(tree.get(`environments/prod/${cluster}/storefront/checkout-api/horizontalpodautoscaler-checkout-api.yaml`)!) as {
        spec: { minReplicas: number; maxReplicas: number };
      };
    expect([hpa("eu-1").spec.minReplicas, hpa("eu-1").spec.maxReplicas]).toEqual([3, 20]);
    expect([hpa("us-1").spec.minReplicas, hpa("us-1").spec.maxReplicas]).toEqual([4, 30]);
    const memory = (cluster: string) =>
      (
        parse(tree.get(`environments/prod/${cluster}/storefront/checkout-api/deployment-checkout-api.yaml`)!) as {
          spec: { template: { spec: { containers: { resources: { requests: { memory: string }; limits: { cpu?: string } } }[] } } };
        }
      ).spec.template.spec.containers[0]!.resources;
    expect(memory("eu-1").requests.memory).toBe("512Mi");
    expect(memory("us-1").requests.memory).toBe("768Mi");
    const differing = under("eu-1").filter((p) => tree.get(`environments/prod/eu-1/${p}`) !== tree.get(`environments/prod/us-1/${p}`));
    expect(differing).toEqual(["storefront/checkout-api/deployment-checkout-api.yaml", "storefront/checkout-api/horizontalpodautoscaler-checkout-api.yaml"]);
  });

  it("render byte-identically twice", async () => {
    const run = await render(s.path("b"));
    expect(run.code).toBe(0);
    const a = readTree(s.path("a"));
    const b = readTree(s.path("b"));
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [path, text] of a) expect(b.get(path), path).toBe(text);
  });

  it("leave a single-cluster platform's output byte for byte as recorded (render.sha256: one `sha256  path` line per file)", async () => {
    // Changes to the renderer must leave existing platforms' output alone. The fixture is the bundled
    // example as it was before it gained a two-cluster prod and previews (test/fixtures/single-cluster-platform),
    // so the digests keep meaning "a single-cluster platform renders unchanged". An intended change of the
    // output records the new digests: `(cd rendered && find . -type f ! -name .ferry-output | sed 's#^./##' | LC_ALL=C sort | xargs sha256sum)`.
    const run = await runCli(["render", `${SINGLE_CLUSTER}/apps`, "--platform", `${SINGLE_CLUSTER}/platform`, "--out", s.path("single")]);
    expect(run.stderr).not.toMatch(/: error:/);
    expect(run.code).toBe(0);
    const recorded = readFileSync(new URL("./render.sha256", import.meta.url), "utf8").trim().split("\n");
    const tree = readTree(s.path("single"));
    const actual = [...tree.keys()]
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((path) => `${createHash("sha256").update(tree.get(path) ?? "").digest("hex")}  ${path}`);
    expect(actual).toEqual(recorded);
  });

  it("write manifests with sorted keys and no timestamps", () => {
    const tree = readTree(s.path("a"));
    for (const [path, text] of tree) {
      expect(text, path).not.toMatch(/creationTimestamp|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      const obj = parse(text) as Record<string, unknown>;
      const keys = Object.keys(obj);
      expect(keys, path).toEqual([...keys].sort());
    }
  });

  it("label every object with the release it belongs to", () => {
    const tree = readTree(s.path("a"));
    const releases = new Set([...tree.keys()].filter((p) => p.startsWith("releases/")).map((p) => p.split("/").pop()!.replace(".yaml", "")));
    for (const [path, text] of tree) {
      if (!path.startsWith("environments/") || path.endsWith("/namespace.yaml")) continue;
      const obj = parse(text) as { metadata: { labels?: Record<string, string> } };
      const release = obj.metadata.labels?.["ferry.dev/release"];
      expect(release, path).toBeDefined();
      expect(releases.has(release!), `${path} names a release that was written`).toBe(true);
    }
  });

  it("keep the README's first command true", () => {
    const readme = readFileSync("README.md", "utf8").split("\n").slice(0, 6).join("\n");
    expect(readme).toContain("npx ferry render examples/apps --platform examples/platform --out rendered");
    expect(readme).toContain("npm ci && npm test");
  });

  it("link the worked example of both topologies from the README", () => {
    const readme = readFileSync("README.md", "utf8");
    expect(readme).toContain("[docs/topologies.md](docs/topologies.md)");
    expect(readme).toContain("(docs/topologies.md#a-preview-environment-per-pull-request)");
    const doc = readFileSync("docs/topologies.md", "utf8");
    const headings = doc.split("\n").filter((l) => l.startsWith("#"));
    for (const h of ["## An environment on several clusters", "## Promotion in waves", "## A preview environment per pull request", "### Bootstrap for previews"])
      expect(headings).toContain(h);
    // The worked example quotes what the README's first command prints on the bundled example.
    expect(summary.trim().split("\n")).toHaveLength(4);
    for (const line of summary.trim().split("\n")) expect(doc).toContain(`${line}\n`);
  });
});
