/** Writes kubeconfig files that point clients (kubectl, @kubernetes/client-node) at fake API servers. */
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";

/** One context of a kubeconfig: its own cluster entry (server + CA) and user (bearer token). */
export interface KubeconfigContext {
  context: string;
  /** `https://127.0.0.1:<port>`. */
  server: string;
  /** PEM of the CA that signed the server certificate (written as certificate-authority-data). */
  caPem: string;
  /** Bearer token. */
  token: string;
  /** Default namespace of the context. @default none */
  namespace?: string;
}

/** A kubeconfig document (YAML) with one cluster, user and context per entry. */
export function kubeconfigYaml(entries: KubeconfigContext[], currentContext?: string): string {
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: entries.map((e) => ({
      name: `${e.context}-cluster`,
      cluster: { server: e.server, "certificate-authority-data": Buffer.from(e.caPem).toString("base64") },
    })),
    users: entries.map((e) => ({ name: `${e.context}-user`, user: { token: e.token } })),
    contexts: entries.map((e) => ({
      name: e.context,
      context: { cluster: `${e.context}-cluster`, user: `${e.context}-user`, ...(e.namespace ? { namespace: e.namespace } : {}) },
    })),
    "current-context": currentContext ?? entries[0]?.context ?? "",
  };
  return stringify(doc);
}

/** Writes {@link kubeconfigYaml} to `path` (mode 0600) and returns the path. */
export function writeKubeconfig(path: string, entries: KubeconfigContext[], currentContext?: string): string {
  writeFileSync(path, kubeconfigYaml(entries, currentContext), { mode: 0o600 });
  return path;
}
