/** Which kubeconfig context runs each environment (`environments[].cluster.context`). */
import { findEnvironment } from "../../renderers/platform.js";

/** The parts of a platform environment status reporting reads. */
export interface EnvironmentInfo {
  readonly name: string;
  /** @default false */
  readonly production?: boolean;
  /** @default no cluster: the environment is not observed */
  readonly cluster?: { readonly context: string } | undefined;
}

/** The environments, or a function giving the current ones (the platform repo can change). */
export type EnvironmentsSource = readonly EnvironmentInfo[] | (() => readonly EnvironmentInfo[]);

/** The environment named `name`, read from `source` now. */
export function environmentNamed(source: EnvironmentsSource, name: string): EnvironmentInfo | undefined {
  const list = typeof source === "function" ? source() : source;
  return findEnvironment(list, name);
}

/** The kubeconfig context of environment `name`, or undefined when it has none (or is unknown). */
export function contextOf(source: EnvironmentsSource, name: string): string | undefined {
  return environmentNamed(source, name)?.cluster?.context;
}
