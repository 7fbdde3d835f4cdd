/**
 * The platform bundle: the Platform document with the component types, traits and policies in
 * force (built-ins merged with the platform repository's own, which win by name), checked for
 * consistency as a whole by `core/platform-bundle.ts`.
 */
import type { Loaded } from "./load.js";
import type { ComponentType, Environment, Platform, Policy, Trait } from "./model/index.js";

/** Built-in component types and traits that ship with Ferry. */
export interface Builtins {
  readonly componentTypes: ReadonlyMap<string, ComponentType>;
  readonly traits: ReadonlyMap<string, Trait>;
}

export interface PlatformBundle {
  readonly platform: Platform;
  readonly platformSource: Loaded<Platform>["source"];
  readonly componentTypes: ReadonlyMap<string, ComponentType>;
  readonly traits: ReadonlyMap<string, Trait>;
  readonly policies: readonly Loaded<Policy>[];
}

/** Environments that start the pipeline: never a promotion target. */
export function firstEnvironments(platform: Platform): Environment[] {
  const targets = new Set(platform.spec.pipeline.flatMap((s) => s.to));
  return platform.spec.environments.filter((e) => !targets.has(e.name));
}

/**
 * The environment called `name` of a platform (or of a list of environments), if there is one:
 * the one lookup by name. The pipeline's neighbours are core/promotion/pipeline.ts's.
 */
export function findEnvironment(
  platform: Pick<Platform, "spec"> | { readonly spec: { readonly environments: readonly Environment[] } },
  name: string,
): Environment | undefined;
export function findEnvironment<E extends { readonly name: string }>(environments: readonly E[], name: string): E | undefined;
export function findEnvironment(
  from: { readonly spec: { readonly environments: readonly Environment[] } } | readonly { readonly name: string }[],
  name: string,
): { readonly name: string } | undefined {
  const list: readonly { readonly name: string }[] = "spec" in from ? from.spec.environments : from;
  return list.find((e) => e.name === name);
}
