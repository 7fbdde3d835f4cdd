/**
 * What an environment holds now, read from its GitOps target's files. Pure.
 *
 * Ferry writes each component's manifests to `<env path>/<project>/<component>/` and labels
 * every object `ferry.dev/release: <id>`; the release's frozen inputs live in
 * `releases/<project>/<component>/<id>.yaml`. From those, Ferry knows which release each
 * environment runs without any other database.
 */
import { parseAllDocuments } from "yaml";
import { Release, ReleaseId } from "../../renderers/release.js";
import { catalogKey } from "../../renderers/apps.js";
import type { Catalog } from "../../renderers/apps.js";
import type { Component } from "../../renderers/model/index.js";
import { environmentFolders } from "../gitops/layout.js";
import type { EnvironmentLocation } from "../gitops/layout.js";

/** The label on every rendered object naming its release. */
export const RELEASE_LABEL = "ferry.dev/release";

/** One component as an environment holds it. */
export interface DeployedComponent {
  readonly project: string;
  readonly component: string;
  /**
   * The release id its manifests carry (undefined when none or several disagree; for an environment on
   * several clusters, also when a cluster's folder lacks the component).
   */
  readonly release: string | undefined;
  /** Its files, keyed like rendered files: `<project>/<component>/<file>` (or `<cluster>/<project>/<component>/<file>`). */
  readonly files: ReadonlyMap<string, string>;
  /** For an environment on several clusters: the release each cluster's folder holds (undefined: none, or several disagree). */
  readonly clusters?: ReadonlyMap<string, string | undefined>;
}

/** An environment's contents. */
export interface EnvironmentState {
  /** `project/component` → what is deployed. */
  readonly components: ReadonlyMap<string, DeployedComponent>;
  /** Every file under the environment's path, keyed relative to it. */
  readonly files: ReadonlyMap<string, string>;
}

/** The release label values of the objects in a YAML file (unparseable files give none). */
export function releaseLabels(text: string): string[] {
  const out: string[] = [];
  try {
    for (const doc of parseAllDocuments(text, { schema: "core", merge: false, customTags: [] })) {
      if (doc.errors.length > 0) continue;
      const value = doc.toJS({ maxAliasCount: 0 }) as { metadata?: { labels?: Record<string, unknown> } } | null;
      const label = value?.metadata?.labels?.[RELEASE_LABEL];
      if (typeof label === "string") out.push(label);
    }
  } catch {
    return [];
  }
  return out;
}

/** The one well-formed release id a component's files carry, else undefined. */
function releaseOf(files: Iterable<string>): string | undefined {
  const labels = new Set([...files].flatMap(releaseLabels));
  const only = labels.size === 1 ? [...labels][0] : undefined;
  // Hand-edited repositories may hold anything: only a well-formed id ever names a file.
  return only !== undefined && ReleaseId.safeParse(only).success ? only : undefined;
}

/**
 * Groups an environment's files (paths relative to its directory) by component. Files directly
 * in a project folder (its `namespace.yaml`) belong to no component. For an environment on several
 * clusters (`env.clusters`), components are read from each cluster's folder (core/gitops/layout.ts
 * `environmentFolders`); files outside them belong to none.
 */
export function parseEnvironmentState(files: ReadonlyMap<string, string>, env: EnvironmentLocation = { name: "", gitops: {} }): EnvironmentState {
  const folders = environmentFolders(env);
  const groups = new Map<string, Map<string, string>>();
  const byCluster = new Map<string, Map<string, string[]>>();
  for (const [path, text] of files) {
    const folder = folders.find((f) => path.startsWith(f.prefix));
    if (!folder) continue;
    const parts = path.slice(folder.prefix.length).split("/");
    if (parts.length < 3) continue;
    const key = catalogKey(parts[0]!, parts[1]!);
    const group = groups.get(key) ?? new Map<string, string>();
    group.set(path, text);
    groups.set(key, group);
    if (folder.cluster !== undefined) {
      const clusters = byCluster.get(key) ?? new Map<string, string[]>();
      clusters.set(folder.cluster, [...(clusters.get(folder.cluster) ?? []), text]);
      byCluster.set(key, clusters);
    }
  }
  const multi = folders.some((f) => f.cluster !== undefined);
  const components = new Map<string, DeployedComponent>();
  for (const [key, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [project = "", component = ""] = key.split("/");
    if (!multi) {
      components.set(key, { project, component, release: releaseOf(group.values()), files: group });
      continue;
    }
    const held = byCluster.get(key) ?? new Map<string, string[]>();
    const clusters = new Map(folders.map((f) => [f.cluster ?? "", held.has(f.cluster ?? "") ? releaseOf(held.get(f.cluster ?? "") ?? []) : undefined]));
    const releases = new Set(clusters.values());
    const release = releases.size === 1 ? [...releases][0] : undefined;
    components.set(key, { project, component, release, files: group, clusters });
  }
  return { components, files };
}

/** The files of one component in an environment (keyed like rendered files), empty when absent. */
export function deployedFiles(state: EnvironmentState, project: string, component: string): ReadonlyMap<string, string> {
  return state.components.get(catalogKey(project, component))?.files ?? new Map();
}

/** Parses a release file; undefined when it is not a valid Release. */
export function parseReleaseFile(text: string): Release | undefined {
  try {
    const docs = parseAllDocuments(text, { schema: "core", merge: false, customTags: [] });
    const first = Array.isArray(docs) ? docs[0] : undefined;
    if (!first || first.errors.length > 0) return undefined;
    const parsed = Release.safeParse(first.toJS({ maxAliasCount: 0 }));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The components environments run, from their release files, for resolving dependencies on
 * components of other repositories. Earlier maps win (pass the first environment first).
 */
export function catalogFromReleases(releaseFiles: readonly ReadonlyMap<string, string>[]): Catalog {
  const catalog = new Map<string, Component>();
  for (const files of releaseFiles) {
    for (const text of files.values()) {
      const release = parseReleaseFile(text);
      if (!release) continue;
      const key = catalogKey(release.metadata.project, release.metadata.component);
      if (!catalog.has(key)) catalog.set(key, release.spec.component);
    }
  }
  return catalog;
}
