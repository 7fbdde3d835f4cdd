/**
 * The platform bundle: the Platform document with the component types, traits and policies in
 * force (built-ins merged with the platform repository's own, which win by name), checked for
 * consistency as a whole by `core/platform.ts`.
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

/** Environments a release in `from` is promoted to next. */
export function nextEnvironments(platform: Platform, from: string): Environment[] {
  const names = platform.spec.pipeline.filter((s) => s.from === from).flatMap((s) => s.to);
  return platform.spec.environments.filter((e) => names.includes(e.name));
}

/** Environments that promote into `to`. */
export function previousEnvironments(platform: Platform, to: string): Environment[] {
  const names = platform.spec.pipeline.filter((s) => s.to.includes(to)).map((s) => s.from);
  return platform.spec.environments.filter((e) => names.includes(e.name));
}

export function findEnvironment(platform: Platform, name: string): Environment | undefined {
  return platform.spec.environments.find((e) => e.name === name);
}
