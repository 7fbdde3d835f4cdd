/** `ferry graph`, `ferry impact` and `ferry validate --against` on the bundled example. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { Scratch, runCli } from "../../support/workspace.js";

interface ExampleComponent {
  metadata: { name: string; project: string };
  spec: { endpoints?: Record<string, { type: string; port: number }>; dependencies?: { component: string; project?: string; endpoint: string }[] };
}

/** The example's components and dependencies, read from its YAML. */
function exampleComponents(): ExampleComponent[] {
  const root = "examples/apps/acme";
  return readdirSync(root).flatMap((app) =>
    readdirSync(join(root, app, ".ferry")).flatMap((f) =>
      parseAllDocuments(readFileSync(join(root, app, ".ferry", f), "utf8")).map((d) => d.toJS() as ExampleComponent),
    ),
  );
}

const COMPONENTS = exampleComponents();
const key = (c: ExampleComponent) => `${c.metadata.project}/${c.metadata.name}`;
const EXPECTED_EDGES = COMPONENTS.flatMap((c) =>
  (c.spec.dependencies ?? []).map((d) => `${key(c)} -> ${d.project ?? c.metadata.project}/${d.component} ${d.endpoint}`),
).sort();
const PLATFORM = ["--platform", "examples/platform"];

let s: Scratch;
beforeEach(() => {
  s = new Scratch();
});
afterEach(() => s.cleanup());

/** A copy of the example's payments repository with `edit` applied to payments-api.yaml. */
function editedPayments(edit: (text: string) => string): string {
  const dir = s.write("work/acme/payments", {});
  for (const f of readdirSync("examples/apps/acme/payments/.ferry")) {
    const text = readFileSync(join("examples/apps/acme/payments/.ferry", f), "utf8");
    s.write("work/acme/payments", { [`.ferry/${f}`]: f === "payments-api.yaml" ? edit(text) : text });
  }
  return dir;
}

describe("ferry graph on the bundled example", () => {
  it("--format json: every component, and every dependency with its endpoint", async () => {
    expect(EXPECTED_EDGES).toContain("storefront/checkout-api -> payments/payments-api http");
    const run = await runCli(["graph", "examples/apps", ...PLATFORM, "--format", "json"]);
    expect(run.code).toBe(0);
    const graph = JSON.parse(run.stdout) as {
      nodes: { id: string; repo: string; type: string }[];
      edges: { from: string; to: string; endpoint: string; endpointType: string; port: number }[];
      cycles: string[][];
    };
    expect(graph.nodes.map((n) => n.id)).toEqual(COMPONENTS.map(key).sort());
    expect(graph.nodes.find((n) => n.id === "payments/payout-reconciliation")).toMatchObject({ repo: "acme/jobs", type: "scheduled-task" });
    expect(graph.edges.map((e) => `${e.from} -> ${e.to} ${e.endpoint}`)).toEqual(EXPECTED_EDGES);
    expect(graph.edges.find((e) => e.from === "payments/settlement-worker" && e.endpoint === "grpc")).toMatchObject({ endpointType: "gRPC", port: 9000 });
    expect(graph.cycles).toEqual([]);
    expect(run.stderr).toBe("");
  });

  it("--format mermaid and dot: one edge line per dependency", async () => {
    const mermaid = await runCli(["graph", "examples/apps", ...PLATFORM]);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^flowchart LR\n/);
    expect(mermaid.stdout.split("\n").filter((l) => / -->\|/.test(l))).toHaveLength(EXPECTED_EDGES.length);
    expect(mermaid.stdout).toContain('["storefront/checkout-api<br/>acme/checkout-api"]');
    const dot = await runCli(["graph", "examples/apps", ...PLATFORM, "--format", "dot"]);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/^digraph ferry \{/);
    const dotEdges = [...dot.stdout.matchAll(/^ {2}"([^"]+)" -> "([^"]+)" \[label="(\w+)/gm)].map((m) => `${m[1]} -> ${m[2]} ${m[3]}`).sort();
    expect(dotEdges).toEqual(EXPECTED_EDGES);
    expect((await runCli(["graph", "examples/apps", ...PLATFORM, "--format", "svg"])).code).toBe(2);
  });

  it("warns about a dependency cycle, naming it", async () => {
    const dir = editedPayments((t) => t.replace("  dependencies:\n", "  dependencies:\n    - component: settlement-worker\n      endpoint: jobs\n"));
    s.write("work/acme/payments", {
      ".ferry/settlement-worker.yaml": readFileSync("examples/apps/acme/payments/.ferry/settlement-worker.yaml", "utf8").replace(
        "  dependencies:\n",
        "  endpoints:\n    jobs: {type: HTTP, port: 8080}\n  dependencies:\n",
      ),
    });
    const run = await runCli(["graph", dir, ...PLATFORM, "-f", "json"]);
    expect(run.stderr).toContain("warning: dependency cycle: payments/payments-api -> payments/settlement-worker -> payments/payments-api\n");
    expect((JSON.parse(run.stdout) as { cycles: string[][] }).cycles).toEqual([
      ["payments/payments-api", "payments/settlement-worker", "payments/payments-api"],
    ]);
  });
});

describe("ferry impact and validate --against on the bundled example", () => {
  const consumersOfPaymentsHttp = COMPONENTS.filter((c) =>
    (c.spec.dependencies ?? []).some((d) => d.project === "payments" && d.component === "payments-api" && d.endpoint === "http"),
  )
    .map(key)
    .sort();

  it("no change, no impact", async () => {
    const run = await runCli(["impact", "examples/apps/acme/payments", ...PLATFORM, "--against", "examples/apps"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("no endpoint changes\n");
  });

  it("removing the organization's endpoint fails, naming each consumer in another repository and its file", async () => {
    expect(consumersOfPaymentsHttp).toEqual(["storefront/checkout-api", "storefront/nightly-sales-report"]);
    const dir = editedPayments((t) =>
      t
        .replace(/^ {4}http: \{type: HTTP.*\n/m, "")
        .replace("readiness: {httpGet: {path: /ready, port: http}", "readiness: {httpGet: {path: /ready, port: 8080}"),
    );
    const run = await runCli(["impact", dir, ...PLATFORM, "--against", "examples/apps", "--json"]);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as {
      ok: boolean;
      affected: { consumer: string; repo: string; file: string; line: number; kind: string; breaking: boolean }[];
    };
    expect(out.ok).toBe(false);
    expect(out.affected.map((a) => [a.kind, a.consumer, a.repo, a.breaking])).toEqual([
      ["removed", "storefront/checkout-api", "acme/checkout-api", true],
      ["removed", "storefront/nightly-sales-report", "acme/jobs", true],
    ]);
    expect(out.affected[0]).toMatchObject({ file: "examples/apps/acme/checkout-api/.ferry/checkout-api.yaml", line: expect.any(Number) as number });
    expect(out.affected[0]!.line).toBeGreaterThan(0);

    const validate = await runCli(["validate", dir, ...PLATFORM, "--against", "examples/apps"]);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(
      /payments-api\.yaml:\d+:\d+: error: \[payments\/payments-api\] spec\.endpoints: endpoint http of payments\/payments-api is removed, but storefront\/checkout-api \(acme\/checkout-api, examples\/apps\/acme\/checkout-api\/\.ferry\/checkout-api\.yaml:\d+\) still consumes it/,
    );
    expect(validate.stderr).toContain("storefront/nightly-sales-report (acme/jobs, examples/apps/acme/jobs/.ferry/jobs.yaml:");
  });

  it("names each kind: hidden, renamed within the repository, port moved", async () => {
    const dir = editedPayments((t) =>
      t
        .replace("visibility: [project, organization], basePath: /v1", "visibility: [project], basePath: /v1")
        .replace("grpc: {type: gRPC, port: 9000", "rpc: {type: gRPC, port: 9000"),
    );
    const run = await runCli(["impact", dir, ...PLATFORM, "--against", "examples/apps"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "endpoint grpc of payments/payments-api is renamed to rpc: 1 consumer(s)\n  same repository: payments/settlement-worker (acme/payments,",
    );
    expect(run.stdout).toContain(
      "endpoint http of payments/payments-api is hidden by visibility (project, organization -> project): 2 consumer(s)\n  error: storefront/checkout-api",
    );

    const moved = editedPayments((t) => t.replace("http: {type: HTTP, port: 8080", "http: {type: HTTP, port: 8081"));
    const ok = await runCli(["impact", moved, ...PLATFORM, "--against", "examples/apps"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      "endpoint http of payments/payments-api moves from port 8080 to 8081: 2 consumer(s)\n  other repository: storefront/checkout-api",
    );
    // Validating the unchanged repository against the others: their components are known to its dependencies.
    expect((await runCli(["validate", "examples/apps/acme/jobs", ...PLATFORM, "--against", "examples/apps"])).code).toBe(0);
  });
});
