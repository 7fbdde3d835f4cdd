/**
 * Releases: immutable snapshots of one component's inputs.
 *
 * A release holds the component as written (defaults applied), its ComponentType and the Traits
 * it uses, exactly as they were when it was cut. Promotion moves a release between environments
 * and never re-reads the app repository, so what was tested in staging is what prod gets. The id
 * is a content hash of those inputs: the same inputs always give the same id.
 */
import { z } from "zod";
import { contentHash } from "./canonical.js";
import { ApiVersion, Component, ComponentType, DnsLabel, Trait } from "./model/index.js";

export const RELEASE_ID_LENGTH = 12;

export const ReleaseId = z.string().regex(new RegExp(`^[0-9a-f]{${RELEASE_ID_LENGTH}}$`), {
  error: (iss) => `${JSON.stringify(iss.input)} is not a release id (${RELEASE_ID_LENGTH} hex digits)`,
});

export const ReleaseSpec = z.strictObject({
  component: Component,
  componentType: ComponentType,
  /** Traits the component uses, sorted by name. */
  traits: z.array(Trait),
});
export type ReleaseSpec = z.infer<typeof ReleaseSpec>;

/**
 * Where a release was cut from: the app repository and the repository-relative file declaring the
 * component. Not part of the id; read back by the Preview to name consumers in other repositories.
 */
export const ReleaseSource = z.strictObject({
  repo: z.string().min(1).max(200),
  file: z.string().min(1).max(1000),
});
export type ReleaseSource = z.infer<typeof ReleaseSource>;

export const Release = z.strictObject({
  apiVersion: ApiVersion,
  kind: z.literal("Release"),
  metadata: z.strictObject({ name: ReleaseId, project: DnsLabel, component: DnsLabel, source: ReleaseSource.optional() }),
  spec: ReleaseSpec,
});
export type Release = z.infer<typeof Release>;

/** The id of a release with these inputs. */
export function releaseId(spec: ReleaseSpec): string {
  return contentHash(spec).slice(0, RELEASE_ID_LENGTH);
}

/** Freezes a component with its type and traits into a release; `source` is recorded beside the id, not in it. */
export function cutRelease(component: Component, componentType: ComponentType, traits: readonly Trait[], source?: ReleaseSource): Release {
  const used = new Set(component.spec.traits.map((t) => t.type));
  const spec: ReleaseSpec = {
    component,
    componentType,
    traits: traits.filter((t) => used.has(t.metadata.name)).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
  };
  return {
    apiVersion: "ferry.dev/v1alpha1",
    kind: "Release",
    metadata: { name: releaseId(spec), project: component.metadata.project, component: component.metadata.name, ...(source ? { source } : {}) },
    spec,
  };
}

/** Where a release snapshot lives in the platform/GitOps repository. */
export function releasePath(release: Pick<Release, "metadata">): string {
  const { project, component, name } = release.metadata;
  return `releases/${project}/${component}/${name}.yaml`;
}

/** Replaces `${{ git.sha }}` in the image with the commit the release is cut from. */
export function substituteGitSha(component: Component, sha: string | undefined): Component {
  if (!sha || !component.spec.container.image.includes("${{")) return component;
  const image = component.spec.container.image.replace(/\$\{\{\s*git\.sha\s*\}\}/g, sha);
  return { ...component, spec: { ...component.spec, container: { ...component.spec.container, image } } };
}
