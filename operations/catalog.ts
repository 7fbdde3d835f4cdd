/** Catalog: the Backstage catalog files of a workspace's components (core/catalog.ts), for `ferry catalog`. */
import { catalogFiles } from "../core/catalog.js";
import type { Diagnostic } from "../renderers/diagnostics.js";
import { findAppDirs, repoOf } from "../adapters/fs/files.js";
import { headCommit } from "./gitops-target.js";
import type { WorkspaceInput } from "./workspace.js";
import { loadWorkspace } from "./workspace.js";

/** The catalog's files (paths relative to the output folder), or the diagnostics that stopped it. */
export type CatalogResult =
  | { readonly ok: true; readonly files: ReadonlyMap<string, string>; readonly diagnostics: Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

/** Loads the workspace and describes every component it declares; each source link points at its checkout's HEAD. */
export function catalogWorkspace(input: WorkspaceInput): CatalogResult {
  const ws = loadWorkspace(input);
  if (!("bundle" in ws)) return { ok: false, diagnostics: ws.diagnostics };
  const heads = new Map(findAppDirs(input.apps.length > 0 ? input.apps : ["."]).map((d) => [repoOf(d, input.repo), headCommit(d)]));
  const components = ws.components.map((c) => {
    const ref = heads.get(c.repo);
    return { component: c.component, source: { repo: c.repo, ...(ref ? { ref } : {}) } };
  });
  return { ok: true, files: catalogFiles(ws.bundle.platform.spec.projects, components), diagnostics: ws.diagnostics };
}
