/**
 * Kubeconfig loading: from the default places, a file, YAML text, in-cluster credentials or a
 * loaded KubeConfig, and one KubeConfig per context (clients and watches use the current one).
 */
import { delimiter } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { z } from "zod";

/**
 * Where kubeconfig comes from: `default` (the `KUBECONFIG` variable, else `~/.kube/config`, else
 * in-cluster), a file path, YAML text, in-cluster service account credentials, or a loaded KubeConfig.
 */
export const KubeConfigSource = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("default") }),
  z.object({ kind: z.literal("file"), path: z.string().min(1, { error: "kubeconfig path is empty" }) }),
  z.object({ kind: z.literal("yaml"), yaml: z.string().min(1, { error: "kubeconfig YAML is empty" }) }),
  z.object({ kind: z.literal("in-cluster") }),
  z.object({ kind: z.literal("config"), config: z.instanceof(KubeConfig) }),
]);
export type KubeConfigSource = z.infer<typeof KubeConfigSource>;

/** Loads a kubeconfig. `env` supplies `KUBECONFIG` for the default source. @default source `{kind: "default"}` */
export function loadKubeConfig(input: KubeConfigSource = { kind: "default" }, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const source = KubeConfigSource.parse(input);
  if (source.kind === "config") return source.config;
  const kc = new KubeConfig();
  switch (source.kind) {
    case "file":
      kc.loadFromFile(source.path);
      break;
    case "yaml":
      kc.loadFromString(source.yaml);
      break;
    case "in-cluster":
      kc.loadFromCluster();
      break;
    case "default": {
      const files = (env.KUBECONFIG ?? "").split(delimiter).filter((f) => f !== "");
      if (files.length === 0) {
        kc.loadFromDefault();
        break;
      }
      files.forEach((file, i) => {
        if (i === 0) kc.loadFromFile(file);
        else {
          const more = new KubeConfig();
          more.loadFromFile(file);
          kc.mergeConfig(more, true);
        }
      });
      break;
    }
  }
  return kc;
}

/** The contexts of `kc` that are missing from `wanted`, as one message per missing context. */
export function missingContexts(kc: KubeConfig, wanted: string[]): string[] {
  const have = kc.getContexts().map((c) => c.name);
  return wanted
    .filter((c) => !have.includes(c))
    .map((c) => `kubeconfig has no context ${JSON.stringify(c)} (contexts: ${have.length > 0 ? have.map((h) => JSON.stringify(h)).join(", ") : "none"})`);
}

/** A KubeConfig that uses `context` as its current context (clients and watches read the current one). */
export function configForContext(kc: KubeConfig, context: string): KubeConfig {
  const missing = missingContexts(kc, [context]);
  if (missing.length > 0) throw new Error(missing.join("; "));
  const out = new KubeConfig();
  out.loadFromOptions({ clusters: kc.getClusters(), users: kc.getUsers(), contexts: kc.getContexts(), currentContext: context });
  return out;
}
