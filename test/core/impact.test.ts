import { describe, expect, it } from "vitest";
import { computeImpact, impactDiagnostics } from "../../core/impact.js";
import type { ImpactComponent } from "../../core/impact.js";
import type { Endpoint } from "../../renderers/model/index.js";
import { component } from "../support/graph.js";

type Ep = Partial<Endpoint> & Pick<Endpoint, "type" | "port">;
const API: Record<string, Ep> = { http: { type: "HTTP", port: 8080, visibility: ["project", "organization"] } };

/** shop/api in acme/api; consumers shop/web (same project, acme/web) and pay/ledger (another project, acme/pay). */
function sides(after: Record<string, Ep> | undefined): { before: ImpactComponent[]; after: ImpactComponent[] } {
  const consumers: ImpactComponent[] = [
    { component: component("shop/web", { deps: ["shop/api:http"] }), repo: "acme/web", file: ".ferry/web.yaml" },
    { component: component("pay/ledger", { deps: ["shop/api:http"] }), repo: "acme/pay", file: ".ferry/ledger.yaml" },
    { component: component("shop/worker", { deps: ["shop/api:http"] }), repo: "acme/api", file: ".ferry/worker.yaml" },
  ];
  const before = [{ component: component("shop/api", { endpoints: API }), repo: "acme/api" }, ...consumers];
  const now = after === undefined ? [] : [{ component: component("shop/api", { endpoints: after }), repo: "acme/api" }];
  return { before, after: [...now, ...consumers] };
}

function run(after: Record<string, Ep> | undefined) {
  const s = sides(after);
  const impact = computeImpact(s.before, s.after);
  return {
    impact,
    rows: impact.affected.map((a) => `${a.change.kind} ${a.change.endpoint} ${a.consumer} ${a.breaking ? "breaking" : a.otherRepository ? "other" : "same"}`),
  };
}

describe("impact of endpoint changes", () => {
  it("nothing when the endpoints stay", () => {
    expect(run(API).impact).toEqual({ changes: [], affected: [] });
  });

  it("removed: every consumer, an error for those in other repositories only", () => {
    const { impact, rows } = run({});
    expect(impact.changes).toEqual([{ kind: "removed", provider: "shop/api", endpoint: "http" }]);
    expect(rows).toEqual(["removed http pay/ledger breaking", "removed http shop/web breaking", "removed http shop/worker same"]);
    expect(impact.affected[0]!.at).toEqual({ file: ".ferry/ledger.yaml", line: 0, column: 0, field: "spec.dependencies[0]" });
    const errors = impactDiagnostics(impact, sides({}).after);
    expect(errors.map((d) => [d.severity, d.code, d.file])).toEqual([
      ["error", "impact/removed", ".ferry/ledger.yaml"],
      ["error", "impact/removed", ".ferry/web.yaml"],
    ]);
    expect(errors[0]!.message).toBe(
      "endpoint http of shop/api is removed, but pay/ledger (acme/pay, .ferry/ledger.yaml) still consumes it (spec.dependencies[0])",
    );
  });

  it("a removed component removes each of its endpoints", () => {
    expect(run(undefined).impact.changes).toEqual([{ kind: "removed", provider: "shop/api", endpoint: "http" }]);
  });

  it("renamed: gone, and a new endpoint of the same type and port appeared", () => {
    const { impact, rows } = run({ web: API.http! });
    expect(impact.changes).toEqual([{ kind: "renamed", provider: "shop/api", endpoint: "http", from: "http", to: "web" }]);
    expect(rows).toEqual(["renamed http pay/ledger breaking", "renamed http shop/web breaking", "renamed http shop/worker same"]);
  });

  it("retyped: reported to every consumer, not an error", () => {
    const { impact, rows } = run({ http: { ...API.http!, type: "gRPC" } });
    expect(impact.changes).toEqual([{ kind: "retyped", provider: "shop/api", endpoint: "http", from: "HTTP", to: "gRPC" }]);
    expect(rows).toEqual(["retyped http pay/ledger other", "retyped http shop/web other", "retyped http shop/worker same"]);
    expect(impactDiagnostics(impact, sides({}).after)).toEqual([]);
  });

  it("port moved: reported to every consumer, not an error", () => {
    const { impact, rows } = run({ http: { ...API.http!, port: 8081 } });
    expect(impact.changes).toEqual([{ kind: "port", provider: "shop/api", endpoint: "http", from: "8080", to: "8081" }]);
    expect(rows).toEqual(["port http pay/ledger other", "port http shop/web other", "port http shop/worker same"]);
  });

  it("hidden by visibility: only the consumers who lose access", () => {
    const { impact, rows } = run({ http: { ...API.http!, visibility: ["project"] } });
    expect(impact.changes).toEqual([{ kind: "hidden", provider: "shop/api", endpoint: "http", from: "project, organization", to: "project" }]);
    expect(rows).toEqual(["hidden http pay/ledger breaking"]);
    // Narrowing that nobody loses access through is no change worth naming.
    expect(run({ http: { ...API.http!, visibility: ["organization"] } }).impact.changes).toEqual([]);
  });
});
