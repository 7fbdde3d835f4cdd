/** Bootstrap: the Argo CD ApplicationSet or Flux objects that apply each environment's GitOps path. */
import { z } from "zod";
import { argoObjects, argoPreviewApplicationSet, fluxObjects, fluxPreviewObjects, githubRepoUrl } from "../core/gitops/bootstrap.js";
import { previewCluster } from "../core/gitops/layout.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { selectEnvironments } from "./workspace.js";

export const Applier = z.enum(["argocd", "flux"]);
export type Applier = z.infer<typeof Applier>;

export interface BootstrapInput {
  readonly platform: PlatformBundle;
  readonly applier: Applier;
  /** Environment names; none: all. */
  readonly envs: readonly string[];
  /** The GitHub web host `owner/name` repositories live on, e.g. https://github.com. */
  readonly server: string;
}

/**
 * The objects to apply once: for Argo CD one ApplicationSet for the environments on one cluster and
 * one for the clusters of those on several; for Flux a GitRepository per environment and a
 * Kustomization per environment (on several clusters: per cluster). With `spec.previews`, the
 * `from` environment (when selected) also gets what applies its `previews/` folder: an
 * ApplicationSet with one Application per preview, or a GitRepository and Kustomization over it.
 */
export function bootstrapObjects(input: BootstrapInput): unknown[] {
  const spec = input.platform.platform.spec;
  const envs = selectEnvironments(spec.environments, input.envs);
  const resolveRepo = (repo: string) => githubRepoUrl(repo, input.server);
  const from = spec.previews ? envs.find((e) => e.name === spec.previews?.from) : undefined;
  const previews = from ? { env: from, cluster: previewCluster(from) } : undefined;
  if (input.applier === "argocd") {
    return [...argoObjects(envs, { resolveRepo }), ...(previews ? [argoPreviewApplicationSet(previews.env, { resolveRepo, cluster: previews.cluster })] : [])];
  }
  return envs.flatMap((e): unknown[] => [
    ...fluxObjects(e, { resolveRepo }),
    ...(previews?.env === e ? fluxPreviewObjects(e, { resolveRepo, cluster: previews.cluster }) : []),
  ]);
}
