import { describe, expect, it } from "vitest";
import { buildGraph, cycleWarnings, graphDot, graphJson, graphMermaid, neighbourhood } from "../../core/graph.js";
import { component } from "../support/graph.js";

const HTTP = { type: "HTTP" as const, port: 8080, visibility: ["project" as const, "organization" as const] };

describe("dependency graph", () => {
  it("has cross-project edges with the endpoint, its type and port, sorted", () => {
    const g = buildGraph([
      { component: component("shop/web", { deps: ["shop/api:http"] }), repo: "acme/web", file: ".ferry/web.yaml" },
      { component: component("shop/api", { endpoints: { http: HTTP }, deps: ["pay/ledger:grpc"] }), repo: "acme/api" },
      { component: component("pay/ledger", { endpoints: { grpc: { type: "gRPC", port: 9000, visibility: ["organization"] } } }), repo: "acme/pay" },
    ]);
    expect(g.nodes.map((n) => n.id)).toEqual(["pay/ledger", "shop/api", "shop/web"]);
    expect(g.nodes[2]).toEqual({ id: "shop/web", project: "shop", component: "web", type: "service", repo: "acme/web", file: ".ferry/web.yaml" });
    expect(g.edges).toEqual([
      { from: "shop/api", to: "pay/ledger", endpoint: "grpc", endpointType: "gRPC", port: 9000 },
      { from: "shop/web", to: "shop/api", endpoint: "http", endpointType: "HTTP", port: 8080 },
    ]);
    expect(g.cycles).toEqual([]);
    expect(cycleWarnings(g)).toEqual([]);
    const json = JSON.parse(graphJson(g)) as { nodes: { id: string }[]; edges: { from: string; to: string; endpoint: string }[] };
    expect(json.edges.map((e) => `${e.from}->${e.to}:${e.endpoint}`)).toEqual(["shop/api->pay/ledger:grpc", "shop/web->shop/api:http"]);
    expect(graphDot(g)).toContain('"shop/api" -> "pay/ledger" [label="grpc (gRPC 9000)"];');
    const mermaid = graphMermaid(g);
    expect(mermaid).toMatch(/^flowchart LR\n {2}subgraph p0\["pay"\]\n {4}n0\["pay\/ledger<br\/>acme\/pay"\]/);
    expect(mermaid).toContain('n1 -->|"grpc (gRPC 9000)"| n0');
  });

  it("keeps a dependency on an undeclared component as a missing node", () => {
    const g = buildGraph([{ component: component("shop/web", { deps: ["pay/gone:http"] }) }]);
    expect(g.nodes.find((n) => n.id === "pay/gone")).toEqual({ id: "pay/gone", project: "pay", component: "gone", missing: true });
    expect(g.edges).toEqual([{ from: "shop/web", to: "pay/gone", endpoint: "http" }]);
  });

  it("reports each cycle once, from its smallest node, in a fixed order", () => {
    const ep = { endpoints: { http: HTTP } };
    const build = (order: readonly number[]) => {
      const all = [
        component("shop/c", { ...ep, deps: ["shop/a:http"] }),
        component("shop/a", { ...ep, deps: ["shop/b:http"] }),
        component("shop/b", { ...ep, deps: ["shop/c:http", "shop/d:http"] }),
        component("shop/d", ep),
        component("pay/y", { ...ep, deps: ["pay/x:http"] }),
        component("pay/x", { ...ep, deps: ["pay/y:http"] }),
      ];
      return buildGraph(order.map((i) => ({ component: all[i]! })));
    };
    const g = build([0, 1, 2, 3, 4, 5]);
    expect(g.cycles).toEqual([
      ["pay/x", "pay/y", "pay/x"],
      ["shop/a", "shop/b", "shop/c", "shop/a"],
    ]);
    expect(cycleWarnings(g)).toEqual(["dependency cycle: pay/x -> pay/y -> pay/x", "dependency cycle: shop/a -> shop/b -> shop/c -> shop/a"]);
    expect(build([5, 3, 1, 4, 0, 2]).cycles).toEqual(g.cycles);
  });

  it("cuts the neighbourhood of changed components: their consumers and providers", () => {
    const g = buildGraph([
      { component: component("shop/web", { deps: ["shop/api:http"] }) },
      { component: component("shop/api", { endpoints: { http: HTTP }, deps: ["pay/ledger:http"] }) },
      { component: component("pay/ledger", { endpoints: { http: HTTP }, deps: ["pay/db:http"] }) },
      { component: component("pay/db", { endpoints: { http: HTTP } }) },
    ]);
    const n = neighbourhood(g, new Set(["shop/api"]));
    expect(n.nodes.map((x) => x.id)).toEqual(["pay/ledger", "shop/api", "shop/web"]);
    expect(n.edges.map((e) => `${e.from}->${e.to}`)).toEqual(["shop/api->pay/ledger", "shop/web->shop/api"]);
  });
});
