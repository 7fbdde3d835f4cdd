/** Bootstrap: the Argo CD ApplicationSet or Flux objects that apply each environment's GitOps path. */
import { z } from "zod";
import { argoObjects, fluxObjects, githubRepoUrl } from "../core/gitops/bootstrap.js";
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
 * Kustomization per environment (on several clusters: per cluster).
 */
export function bootstrapObjects(input: BootstrapInput): unknown[] {
  const envs = selectEnvironments(input.platform.platform.spec.environments, input.envs);
  const resolveRepo = (repo: string) => githubRepoUrl(repo, input.server);
  return input.applier === "argocd" ? argoObjects(envs, { resolveRepo }) : envs.flatMap((e): unknown[] => [...fluxObjects(e, { resolveRepo })]);
}
