import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jsonSchema } from "../../../operations/schema.js";
import { API_YAML, Scratch, runCli } from "../../support/workspace.js";

/**
 * The platform's observability settings: the signals' PromQL checked with Prometheus's grammar,
 * the endpoints clusters name and the signals `verify` names, each problem at file:line:column.
 */
const OBSERVED_PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata:
  name: acme
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  observability:
    prometheus:
      - name: nonprod
        url: http://127.0.0.1:9090
      - name: prod
        url: https://prometheus.prod.example.com
        bearerTokenEnv: FERRY_PROM_PROD_TOKEN
    links:
      logs: "https://grafana.example.com/explore?namespace=\${namespace}&component=\${component}"
  signals:
    errorRate:
      query: >-
        sum(rate(http_requests_total{namespace="\${namespace}",ferry_dev_component="\${component}",code=~"5.."}[\${window}]))
        / sum(rate(http_requests_total{namespace="\${namespace}",ferry_dev_component="\${component}"}[\${window}]))
      unit: ratio
    queueDepth:
      query: max(queue_depth{namespace="\${namespace}"})
      unit: count
  environments:
    - name: dev
      cluster: {context: dev, prometheus: nonprod}
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
    - name: prod
      production: true
      cluster: {context: prod, prometheus: prod}
      gitops: {repo: acme/gitops-prod, branch: main, path: environments/prod}
  pipeline:
    - from: dev
      to: [prod]
      verify:
        duration: 10m
        signals:
          errorRate: {max: 0.01}
          latencyP95: {max: 0.3, maxIncrease: 1.5}
      onFailure: rollback
`;

let s: Scratch;
beforeEach(() => {
  s = new Scratch();
});
afterEach(() => s.cleanup());

async function validate(platform: string, extra: Record<string, string> = {}) {
  s.write("platform", { ".ferry/platform.yaml": platform, ...extra });
  const app = s.write("apps/acme/shop-api", { ".ferry/api.yaml": API_YAML });
  return runCli(["validate", app, "--platform", s.path("platform")]);
}

describe("ferry validate checks a platform's signals and observability", () => {
  it("accepts endpoints, links, signals, cluster.prometheus, verify and onFailure (so each case below fails for its own reason)", async () => {
    const run = await validate(OBSERVED_PLATFORM);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
  });

  it("a broken query inside a folded block scalar: exit 1 at the file line and column of the bad character, with the parser's message", async () => {
    // The query's second line, "        / sum(rate(http_requests_total{...}[${window}]))", loses its last ')'.
    const broken = OBSERVED_PLATFORM.replace('"}[${window}]))\n      unit: ratio', '"}[${window}])\n      unit: ratio');
    const at = broken.split("\n").findIndex((l) => l.startsWith("        / sum(rate("));
    const line = broken.split("\n")[at]!;
    const run = await validate(broken);
    expect(run.code).toBe(1);
    // The query ends one character after the last one on that line: the grammar wants the missing ')'.
    expect(run.stderr).toContain(
      `platform/.ferry/platform.yaml:${at + 1}:${line.length + 1}: error: spec.signals.errorRate.query: PromQL syntax error: unexpected end of the query`,
    );
  });

  it("a stray token in a one-line query points at the token", async () => {
    const broken = OBSERVED_PLATFORM.replace("query: max(queue_depth{", "query: max by queue_depth{");
    const line = broken.split("\n").findIndex((l) => l.includes("max by queue_depth"));
    const column = broken.split("\n")[line]!.indexOf("queue_depth") + 1;
    const run = await validate(broken);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `platform/.ferry/platform.yaml:${line + 1}:${column}: error: spec.signals.queueDepth.query: PromQL syntax error: unexpected "queue_depth"`,
    );
  });

  it("an unknown variable in a query or a link, at the variable", async () => {
    const broken = OBSERVED_PLATFORM.replace('max(queue_depth{namespace="${namespace}"})', 'max(queue_depth{namespace="${env}"})').replace(
      "component=${component}",
      "component=${service}",
    );
    const lines = broken.split("\n");
    const q = lines.findIndex((l) => l.includes("${env}"));
    const l = lines.findIndex((x) => x.includes("${service}"));
    const run = await validate(broken);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `platform/.ferry/platform.yaml:${q + 1}:${lines[q]!.indexOf("${env}") + 1}: error: spec.signals.queueDepth.query: unknown variable \${env}`,
    );
    expect(run.stderr).toContain(
      `platform/.ferry/platform.yaml:${l + 1}:${lines[l]!.indexOf("${service}") + 1}: error: spec.observability.links.logs: unknown variable \${service}`,
    );
  });

  it("an environment naming an unknown endpoint and a verify signal nobody defines, reported together", async () => {
    const broken = OBSERVED_PLATFORM.replace("prometheus: prod}", "prometheus: production}").replace("latencyP95: {max: 0.3", "latencyP99: {max: 0.3");
    const lines = broken.split("\n");
    const env = lines.findIndex((l) => l.includes("prometheus: production"));
    const verify = lines.findIndex((l) => l.includes("latencyP99:"));
    const run = await validate(broken);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `platform/.ferry/platform.yaml:${env + 1}:${lines[env]!.indexOf("production") + 1}: error: spec.environments[1].cluster.prometheus: unknown prometheus endpoint "production"; known: nonprod, prod`,
    );
    expect(run.stderr).toContain(`platform/.ferry/platform.yaml:${verify + 1}:11: error: spec.pipeline[0].verify.signals.latencyP99: no signal "latencyP99"`);
  });

  it("a bound without max or maxIncrease, an unknown onFailure and an endpoint URL with credentials are schema errors", async () => {
    const broken = OBSERVED_PLATFORM.replace("errorRate: {max: 0.01}", "errorRate: {}")
      .replace("onFailure: rollback", "onFailure: page")
      .replace("url: http://127.0.0.1:9090", "url: http://user:secret@127.0.0.1:9090");
    const run = await validate(broken);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/spec\.pipeline\[0\]\.verify\.signals\.errorRate: a signal bound needs max, maxIncrease or both/);
    expect(run.stderr).toMatch(/spec\.pipeline\[0\]\.onFailure:/);
    expect(run.stderr).toMatch(/spec\.observability\.prometheus\[0\]\.url: .* is not an http\(s\) URL without credentials/);
  });

  it("a component type's own broken signal is reported in its file, and its signals count for verify", async () => {
    const type = `apiVersion: ferry.dev/v1alpha1
kind: ComponentType
metadata: {name: queue-worker}
spec:
  workloadType: deployment
  signals:
    lag:
      query: |
        max(kafka_consumergroup_lag{namespace="\${namespace}"}) by
      unit: count
`;
    const platform = OBSERVED_PLATFORM.replace("errorRate: {max: 0.01}", "errorRate: {max: 0.01}\n          lag: {max: 100}");
    const run = await validate(platform, { ".ferry/component-types/queue-worker.yaml": type });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /platform\/\.ferry\/component-types\/queue-worker\.yaml:9:\d+: error: spec\.signals\.lag\.query: PromQL syntax error: unexpected end of the query/,
    );
    expect(run.stderr).not.toMatch(/no signal "lag"/);
  });

  it("a verify target without cluster.prometheus is a warning: it would never be observed", async () => {
    const run = await validate(OBSERVED_PLATFORM.replace("cluster: {context: prod, prometheus: prod}", "cluster: {context: prod}"));
    expect(run.code).toBe(0);
    expect(run.stderr + run.stdout).toMatch(/spec\.pipeline\[0\]\.to\[0\]: environment "prod" names no cluster\.prometheus/);
  });

  it("ferry schema Platform and ComponentType describe the new fields", () => {
    const text = JSON.stringify(jsonSchema("Platform"));
    for (const field of ["observability", "bearerTokenEnv", "signals", "verify", "maxIncrease", "onFailure"]) expect(text).toContain(`"${field}"`);
    expect(JSON.stringify(jsonSchema("ComponentType"))).toContain('"signals"');
  });
});
