/**
 * Running Ferry on Kubernetes: `deploy/` is a Ferry component rendered by `ferry render` itself,
 * every object valid against Kubernetes' schemas, with two replicas, a PodDisruptionBudget and
 * both probes on the app's endpoints.
 */
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readTree } from "../../adapters/fs/files.js";
import { ENDPOINT_PATHS } from "../../app/endpoints.js";
import { schemaErrors } from "../support/k8s-schemas.js";
import { Scratch, runCli } from "../support/workspace.js";

const s = new Scratch();
afterAll(() => s.cleanup());

interface Rendered {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
}

describe("deploy/", () => {
  it("renders with ferry render into valid objects: two replicas, a PDB, the probes and the routes for GitHub", async () => {
    const run = await runCli(["render", "deploy", "--platform", "deploy/platform", "--repo", "ferry-dev/ferry", "--out", s.path("out")]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^prod\s+1 components\s+\d+ objects no warnings/m);

    const manifests = [...readTree(s.path("out"))].filter(([p]) => p.startsWith("environments/prod/"));
    const objects = manifests.map(([, text]) => parse(text) as Rendered);
    expect(manifests.flatMap(([path, text]) => schemaErrors(parse(text) as Rendered).map((e) => `${path}: ${e}`))).toEqual([]);
    const byKind = (kind: string) => objects.filter((o) => o.kind === kind);

    const [deployment] = byKind("Deployment");
    expect(byKind("Deployment")).toHaveLength(1);
    expect(deployment?.metadata).toMatchObject({ name: "ferry", namespace: "ferry" });
    const spec = deployment?.spec as {
      replicas: number;
      selector: { matchLabels: Record<string, string> };
      template: { spec: { containers: { readinessProbe: unknown; livenessProbe: unknown; ports: unknown; env: { name: string; valueFrom?: unknown }[] }[] } };
    };
    expect(spec.replicas).toBe(2);
    const main = spec.template.spec.containers[0]!;
    expect(main.ports).toEqual([{ name: "http", containerPort: 3000, protocol: "TCP" }]);
    expect(main.readinessProbe).toMatchObject({ httpGet: { path: ENDPOINT_PATHS.ready, port: "http" } });
    expect(main.livenessProbe).toMatchObject({ httpGet: { path: ENDPOINT_PATHS.health, port: "http" } });
    // The app's credentials only ever come from the Secret.
    for (const name of ["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET"]) {
      expect(main.env.find((e) => e.name === name)?.valueFrom).toEqual({ secretKeyRef: { name: "ferry-github-app", key: expect.any(String) } });
    }

    const [pdb] = byKind("PodDisruptionBudget");
    expect(pdb?.spec).toEqual({ minAvailable: 1, selector: spec.selector });

    const [ingress] = byKind("Ingress");
    expect(JSON.stringify(ingress?.spec)).toContain('"path":"/api/github/webhooks"');
    const egress = byKind("NetworkPolicy").find((p) => p.metadata.name === "ferry-github");
    expect(egress?.spec).toMatchObject({ policyTypes: ["Egress"], egress: [{ ports: [{ port: 443, protocol: "TCP" }] }] });
    expect(byKind("Secret")).toEqual([]);
  });
});
