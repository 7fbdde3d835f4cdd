/**
 * The cluster runtime's Prometheus for verifications (flows/status/cluster-runtime.ts): every
 * verification of one endpoint shares one in-flight limit, so releases landing together queue
 * their queries instead of opening one connection per query.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrometheusPort, PrometheusResult } from "../../../adapters/prometheus/client.js";
import { ClusterRuntime } from "../../../flows/status/cluster-runtime.js";
import { Platform } from "../../../renderers/model/index.js";

const platform = Platform.parse({
  apiVersion: "ferry.dev/v1alpha1",
  kind: "Platform",
  metadata: { name: "acme" },
  spec: {
    projects: [{ name: "shop", repos: ["acme/shop-api"] }],
    observability: {
      prometheus: [
        { name: "one", url: "http://127.0.0.1:9" },
        { name: "two", url: "http://127.0.0.1:10" },
      ],
    },
    environments: [
      { name: "dev", cluster: { context: "dev", prometheus: "one" }, gitops: { repo: "acme/gitops", path: "environments/dev" } },
      { name: "prod", cluster: { context: "prod", prometheus: "two" }, gitops: { repo: "acme/gitops", path: "environments/prod" } },
    ],
  },
});

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: dev, context: {cluster: c, user: u}}, {name: prod, context: {cluster: c, user: u}}]
current-context: dev
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-runtime-prom-"));
  await writeFile(join(dir, "kubeconfig"), KUBECONFIG, { mode: 0o600 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

describe("ClusterRuntime's Prometheus for verifications", () => {
  it("shares one in-flight limit per endpoint over every verification, separate for each endpoint", async () => {
    const open = new Map<string, number>();
    const peak = new Map<string, number>();
    const release: (() => void)[] = [];
    const held =
      (name: string): PrometheusPort["query"] =>
      () => {
        open.set(name, (open.get(name) ?? 0) + 1);
        peak.set(name, Math.max(peak.get(name) ?? 0, open.get(name)!));
        return new Promise<PrometheusResult<number | undefined>>((resolve) =>
          release.push(() => {
            open.set(name, open.get(name)! - 1);
            resolve({ ok: true, value: 1 });
          }),
        );
      };
    const runtime = new ClusterRuntime({
      env: { KUBECONFIG: join(dir, "kubeconfig") },
      prometheus: (endpoint) => ({ query: held(endpoint.name), queryRange: async () => ({ ok: true, value: [] }) }),
      prometheusMaxInFlight: 2,
    });
    const [dev, prod] = platform.spec.environments;
    // Three verifications in dev (each its own port, as each verification asks), one in prod.
    const ports = [dev!, dev!, dev!, prod!].map((e) => {
      const p = runtime.verification.prometheusOf(platform, e);
      if (!p.ok) throw new Error(p.error);
      return p.port;
    });
    const answers = ports.flatMap((p) => [p.query("x", 0), p.query("y", 0)]);
    await settle();
    expect(open.get("one")).toBe(2);
    expect(open.get("two")).toBe(2);
    while (release.length > 0) {
      release.shift()!();
      await settle();
    }
    const results = await Promise.all(answers);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(peak.get("one")).toBe(2);
    expect(peak.get("two")).toBe(2);
    await runtime.stop();
  });
});
