/** NetworkPolicies: default deny, ingress by endpoint visibility, egress to DNS and dependencies. */
import { describe, expect, it } from "vitest";
import { compileOk, componentYaml, dependency, find } from "../../support/render-fixtures.js";

const OWN_NAMESPACE = { podSelector: {} };
const MANAGED = { namespaceSelector: { matchLabels: { "ferry.dev/managed": "true" } } };
const gatewayNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });

function api(endpoints: string, traits = "[]"): string {
  return componentYaml(
    "api",
    `
type: service
container: {image: "ghcr.io/acme/api:1"}
endpoints:
${endpoints}
traits: ${traits}
`,
  );
}

describe("network policies", () => {
  it("denies all ingress and egress by default for the component's pods", () => {
    const objects = compileOk(api("  http: {type: HTTP, port: 8080}"));
    expect(find(objects, "NetworkPolicy", "api-deny-all").spec).toEqual({
      podSelector: { matchLabels: { "ferry.dev/project": "storefront", "ferry.dev/component": "api" } },
      policyTypes: ["Ingress", "Egress"],
    });
  });

  it("project visibility opens the port to the own namespace only", () => {
    const objects = compileOk(api("  http: {type: HTTP, port: 8080, visibility: [project]}"));
    expect(find(objects, "NetworkPolicy", "api-ingress").spec.ingress).toEqual([{ from: [OWN_NAMESPACE], ports: [{ port: 8080, protocol: "TCP" }] }]);
  });

  it("organization visibility adds Ferry-managed namespaces", () => {
    const objects = compileOk(api("  http: {type: HTTP, port: 8080, visibility: [organization]}"));
    expect(find(objects, "NetworkPolicy", "api-ingress").spec.ingress).toEqual([{ from: [OWN_NAMESPACE, MANAGED], ports: [{ port: 8080, protocol: "TCP" }] }]);
  });

  it("public visibility without a route opens nothing beyond the project", () => {
    const objects = compileOk(api("  http: {type: HTTP, port: 8080, visibility: [public]}"));
    expect(find(objects, "NetworkPolicy", "api-ingress").spec.ingress).toEqual([{ from: [OWN_NAMESPACE], ports: [{ port: 8080, protocol: "TCP" }] }]);
  });

  it("public visibility with a route opens the port to the environment's gateway namespace", () => {
    const yaml = api(
      "  http: {type: HTTP, port: 8080, visibility: [organization, public]}\n  admin: {type: HTTP, port: 9000, visibility: [project]}",
      "[{type: route, name: web, parameters: {endpoint: http, host: api.example.com}}]",
    );
    const dev = compileOk(yaml);
    expect(find(dev, "NetworkPolicy", "api-ingress").spec.ingress).toEqual([
      { from: [OWN_NAMESPACE, MANAGED, gatewayNamespace("gateway-system")], ports: [{ port: 8080, protocol: "TCP" }] },
      { from: [OWN_NAMESPACE], ports: [{ port: 9000, protocol: "TCP" }] },
    ]);
    const prod = compileOk(yaml, { env: "prod" });
    expect(find(prod, "NetworkPolicy", "api-ingress").spec.ingress[0].from).toContainEqual(gatewayNamespace("ingress-nginx"));
  });

  it("UDP endpoints are opened for UDP", () => {
    const objects = compileOk(api("  dns: {type: UDP, port: 5353}"));
    expect(find(objects, "NetworkPolicy", "api-ingress").spec.ingress[0].ports).toEqual([{ port: 5353, protocol: "UDP" }]);
    expect(find(objects, "Service", "api").spec.ports[0].protocol).toBe("UDP");
  });

  it("allows egress to DNS and to each dependency's pods on its port", () => {
    const yaml = componentYaml(
      "worker-a",
      `
type: worker
container: {image: "ghcr.io/acme/w:1"}
dependencies:
  - {component: payments-api, project: payments, endpoint: http, env: {url: PAY_URL}}
  - {component: cache, endpoint: redis}
`,
    );
    const objects = compileOk(yaml, {
      dependencies: [
        dependency({ env: { url: "PAY_URL" } }),
        dependency({ project: "storefront", component: "cache", endpoint: "redis", endpointType: "TCP", namespace: "storefront-dev", port: 6379, env: {} }),
      ],
    });
    expect(find(objects, "NetworkPolicy", "worker-a-egress").spec).toEqual({
      podSelector: { matchLabels: { "ferry.dev/project": "storefront", "ferry.dev/component": "worker-a" } },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
          ports: [
            { port: 53, protocol: "UDP" },
            { port: 53, protocol: "TCP" },
          ],
        },
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "payments-dev" } },
              podSelector: { matchLabels: { "ferry.dev/project": "payments", "ferry.dev/component": "payments-api" } },
            },
          ],
          ports: [{ port: 8443, protocol: "TCP" }],
        },
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "storefront-dev" } },
              podSelector: { matchLabels: { "ferry.dev/project": "storefront", "ferry.dev/component": "cache" } },
            },
          ],
          ports: [{ port: 6379, protocol: "TCP" }],
        },
      ],
    });
    expect(objects.some((o) => o.metadata.name === "worker-a-ingress")).toBe(false);
    // only the env vars the component asked for
    expect(find(objects, "Deployment", "worker-a").spec.template.spec.containers[0].env).toEqual([
      { name: "PAY_URL", value: "http://payments-api.payments-dev.svc.cluster.local:8443/v1" },
    ]);
  });
});
