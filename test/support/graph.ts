/** Components for the graph and impact units, built in code. */
import type { Component, Endpoint } from "../../renderers/model/index.js";

export function component(
  key: string,
  opts: { endpoints?: Record<string, Partial<Endpoint> & Pick<Endpoint, "type" | "port">>; deps?: readonly string[] } = {},
): Component {
  const [project = "", name = ""] = key.split("/");
  return {
    apiVersion: "ferry.dev/v1alpha1",
    kind: "Component",
    metadata: { name, project },
    spec: {
      type: "service",
      container: { image: "ghcr.io/acme/x:1", env: [], files: [] },
      endpoints: Object.fromEntries(Object.entries(opts.endpoints ?? {}).map(([n, e]) => [n, { visibility: ["project"], ...e }])),
      // "project/component:endpoint"
      dependencies: (opts.deps ?? []).map((d) => {
        const [target = "", endpoint = ""] = d.split(":");
        const [p = "", c = ""] = target.split("/");
        return { component: c, ...(p !== project ? { project: p } : {}), endpoint, env: {} };
      }),
      parameters: {},
      traits: [],
      environments: {},
    },
  };
}
