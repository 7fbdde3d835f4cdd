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

/**
 * A YAML error of the kubeconfig client (js-yaml's YAMLException) carries a snippet of the file's
 * lines: a kubeconfig holds credentials, and a mistaken path may name any file, so the error says
 * where (file, line, column) and why, never what the file holds.
 */
function withoutContent(e: unknown, where: string): Error {
  const y = e as { name?: unknown; reason?: unknown; mark?: { line?: unknown; column?: unknown } } | null;
  if (y && y.name === "YAMLException") {
    const line = typeof y.mark?.line === "number" ? y.mark.line + 1 : 0;
    const column = typeof y.mark?.column === "number" ? y.mark.column + 1 : 0;
    const reason = typeof y.reason === "string" ? y.reason : "not valid YAML";
    return new Error(`${where}:${line}:${column}: not valid YAML (${reason})`, { cause: e });
  }
  return e instanceof Error ? e : new Error(String(e));
}

/** `kc.loadFromFile(file)`, its YAML errors naming the file and line without its content. */
function loadFile(kc: KubeConfig, file: string): void {
  try {
    kc.loadFromFile(file);
  } catch (e) {
    throw withoutContent(e, file);
  }
}

/** Loads a kubeconfig. `env` supplies `KUBECONFIG` for the default source. @default source `{kind: "default"}` */
export function loadKubeConfig(input: KubeConfigSource = { kind: "default" }, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const source = KubeConfigSource.parse(input);
  if (source.kind === "config") return source.config;
  const kc = new KubeConfig();
  switch (source.kind) {
    case "file":
      loadFile(kc, source.path);
      break;
    case "yaml":
      try {
        kc.loadFromString(source.yaml);
      } catch (e) {
        throw withoutContent(e, "kubeconfig YAML");
      }
      break;
    case "in-cluster":
      kc.loadFromCluster();
      break;
    case "default": {
      const files = (env.KUBECONFIG ?? "").split(delimiter).filter((f) => f !== "");
      if (files.length === 0) {
        try {
          kc.loadFromDefault();
        } catch (e) {
          throw withoutContent(e, "~/.kube/config");
        }
        break;
      }
      files.forEach((file, i) => {
        if (i === 0) loadFile(kc, file);
        else {
          const more = new KubeConfig();
          loadFile(more, file);
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
