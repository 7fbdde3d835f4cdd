/**
 * From what the GitOps repositories hold to what drift compares: each environment's objects per
 * component, and what each component's release renders there. Pure: the caller reads the files
 * (adapters/git) and passes the platform.
 */
import { parseAllDocuments } from "yaml";
import type { Catalog } from "../../renderers/apps.js";
import type { CelEngine } from "../../renderers/cel.js";
import { CompileCache } from "../../renderers/compile/cache.js";
import type { Environment } from "../../renderers/model/index.js";
import type { PlatformBundle } from "../../renderers/platform.js";
import { releasePath } from "../../renderers/release.js";
import type { K8sObject } from "../../renderers/types.js";
import { renderRelease } from "../render.js";
import type { EnvironmentState } from "../release/state.js";
import { parseReleaseFile } from "../release/state.js";
import type { ComponentManifests, EnvironmentManifests } from "./environments.js";

/** The Kubernetes objects of YAML files (documents that are not objects are skipped), in path order. */
export function objectsOfFiles(files: ReadonlyMap<string, string>): K8sObject[] {
  const out: K8sObject[] = [];
  for (const path of [...files.keys()].sort()) {
    try {
      for (const doc of parseAllDocuments(files.get(path) ?? "", { schema: "core", merge: false, customTags: [] })) {
        if (doc.errors.length > 0) continue;
        const v = doc.toJS({ maxAliasCount: 0 }) as Partial<K8sObject> | null;
        if (v && typeof v.apiVersion === "string" && typeof v.kind === "string" && typeof v.metadata?.name === "string") out.push(v as K8sObject);
      }
    } catch {
      // a hand-edited file that is not YAML holds no object
    }
  }
  return out;
}

/** What one environment holds, as drift reads it. */
export interface EnvironmentFiles {
  readonly env: Environment;
  readonly state: EnvironmentState;
  /** `releases/<project>/<component>/<id>.yaml` → text, for the releases it runs. */
  readonly releaseFiles: ReadonlyMap<string, string>;
}

/** What renders the releases: the platform, the catalog of other components, the CEL engine. */
export interface RenderContext {
  readonly bundle: PlatformBundle;
  readonly catalog: Catalog;
  readonly cel: CelEngine;
  /** @default a fresh cache shared by this call */
  readonly cache?: CompileCache;
}

function expectedObjects(
  files: EnvironmentFiles,
  project: string,
  component: string,
  release: string | undefined,
  ctx: RenderContext,
  cache: CompileCache,
): ComponentManifests["expected"] {
  if (release === undefined) return { problem: "its files carry no single release label" };
  const path = releasePath({ metadata: { project, component, name: release } });
  const text = files.releaseFiles.get(path);
  if (text === undefined) return { problem: `${path} is missing` };
  const parsed = parseReleaseFile(text);
  if (!parsed) return { problem: `${path} is not a valid release` };
  const rendered = renderRelease(parsed, files.env, ctx.bundle, ctx.catalog, ctx.cel, undefined, cache);
  const error = rendered.diagnostics.find((d) => d.severity === "error");
  if (error) return { problem: `release ${release} does not render for ${files.env.name} now: ${error.message}` };
  return objectsOfFiles(rendered.files);
}

/** Each environment's components with their objects and what their releases render there. */
export function environmentManifests(envs: readonly EnvironmentFiles[], ctx: RenderContext): EnvironmentManifests[] {
  const cache = ctx.cache ?? new CompileCache();
  return envs.map((files) => {
    const components = new Map<string, ComponentManifests>();
    for (const [key, deployed] of files.state.components) {
      components.set(key, {
        release: deployed.release,
        objects: objectsOfFiles(deployed.files),
        expected: expectedObjects(files, deployed.project, deployed.component, deployed.release, ctx, cache),
      });
    }
    return { environment: files.env.name, components };
  });
}
