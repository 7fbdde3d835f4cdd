/**
 * NetworkPolicies derived from endpoint visibility and declared dependencies.
 *
 * - `<name>-deny-all`: no ingress and no egress for the component's pods.
 * - `<name>-ingress` (when there are endpoints): per endpoint port, traffic from
 *   - the component's own namespace (a project's components share it): always, `project` being
 *     the narrowest visibility;
 *   - namespaces labelled `ferry.dev/managed: "true"` when the visibility lists `organization`;
 *   - the environment's gateway namespace when the visibility lists `public` and a `route`
 *     trait of the component targets that endpoint (public only through a route).
 * - `<name>-egress`: DNS in kube-system (53 UDP and TCP), and each dependency's pods
 *   (namespace by `kubernetes.io/metadata.name`, pods by `ferry.dev/project` and
 *   `ferry.dev/component`) on its port.
 */
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { INetworkPolicyEgressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule";
import type { INetworkPolicyIngressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule";
import type { INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer";
import { LABEL } from "./context.js";
import type { TraitScope } from "./checks.js";
import type { Build } from "./workload.js";
import { addToChart, objectMeta, protocolOf } from "./workload.js";

/** Trait type whose instances make an endpoint public (matched by `parameters.endpoint`). */
export const ROUTE_TRAIT = "route";
export const MANAGED_NAMESPACE_LABEL = "ferry.dev/managed";
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

function namespaceNamed(name: string): INetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } };
}

/** Endpoints a route trait instance targets. */
export function routedEndpoints(traits: readonly TraitScope[]): Set<string> {
  const out = new Set<string>();
  for (const t of traits) {
    const endpoint = t.parameters.endpoint;
    if (t.instance.type === ROUTE_TRAIT && typeof endpoint === "string") out.add(endpoint);
  }
  return out;
}

export function addNetworkPolicies(b: Build, traits: readonly TraitScope[]): void {
  const podSelector = { matchLabels: { ...b.selector } };
  const spec = b.input.release.spec.component.spec;

  addToChart<INetworkPolicy>(b, "deny-all", {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: objectMeta(b, `${b.name}-deny-all`),
    spec: { podSelector, policyTypes: ["Ingress", "Egress"] },
  });

  const routed = routedEndpoints(traits);
  const gateway = b.input.environment.gateway.namespace;
  const ingress: INetworkPolicyIngressRule[] = Object.entries(spec.endpoints).map(([name, e]) => {
    const from: INetworkPolicyPeer[] = [{ podSelector: {} }];
    if (e.visibility.includes("organization")) from.push({ namespaceSelector: { matchLabels: { [MANAGED_NAMESPACE_LABEL]: "true" } } });
    if (e.visibility.includes("public") && routed.has(name)) from.push(namespaceNamed(gateway));
    return { from, ports: [{ port: e.port, protocol: protocolOf(e.type) }] };
  });
  if (ingress.length > 0) {
    addToChart<INetworkPolicy>(b, "ingress", {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: objectMeta(b, `${b.name}-ingress`),
      spec: { podSelector, policyTypes: ["Ingress"], ingress },
    });
  }

  const egress: INetworkPolicyEgressRule[] = [
    {
      to: [namespaceNamed("kube-system")],
      ports: [
        { port: 53, protocol: "UDP" },
        { port: 53, protocol: "TCP" },
      ],
    },
    ...b.input.dependencies.map((d) => ({
      to: [{ ...namespaceNamed(d.namespace), podSelector: { matchLabels: { [LABEL.project]: d.project, [LABEL.ferryComponent]: d.component } } }],
      ports: [{ port: d.port, protocol: protocolOf(d.endpointType) }],
    })),
  ];
  addToChart<INetworkPolicy>(b, "egress", {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: objectMeta(b, `${b.name}-egress`),
    spec: { podSelector, policyTypes: ["Egress"], egress },
  });
}
