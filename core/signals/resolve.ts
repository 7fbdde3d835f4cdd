/** Which signals a component has: the built-in type's defaults, then the platform's, then its type's own, by name. */
import type { ComponentType, Platform, Signal } from "../../renderers/model/index.js";
import { BUILTIN_TYPE_SIGNALS } from "./defaults.js";

/** Every signal of a component of type `typeName` (`type`: the ComponentType in force), sorted by name. */
export function signalsFor(platform: Platform, typeName: string, type: ComponentType | undefined): [string, Signal][] {
  const merged: Record<string, Signal> = {
    ...(BUILTIN_TYPE_SIGNALS[typeName] ?? {}),
    ...(platform.spec.signals ?? {}),
    ...(type?.spec.signals ?? {}),
  };
  return Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
