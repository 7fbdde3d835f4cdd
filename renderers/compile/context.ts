/**
 * Labels and the CEL context templates, includeWhen and validations see.
 *
 * | name | value |
 * | --- | --- |
 * | `metadata.name`, `.project`, `.environment`, `.namespace`, `.release` | the component's identity in this render |
 * | `metadata.labels` | the labels Ferry puts on every object (the component's own labels, then Ferry's; in a preview, `ferry.dev/preview` too) |
 * | `metadata.selectorLabels` | Ferry extension: the stable labels selectors use (no release) |
 * | `component` | the component's spec |
 * | `parameters` | the type's (in a trait: the trait's) parameters, schema defaults applied |
 * | `environment` | the environmentConfigs for this environment, defaults and overrides applied |
 * | `trait.name` | in a trait: the instance name |
 * | `target` | Ferry extension: the Platform environment (`name`, `production`, `routes`, `gateway`, `ingressClassName`) |
 */
import type { Environment } from "../model/index.js";
import type { CompileInput } from "../types.js";

export const LABEL = {
  name: "app.kubernetes.io/name",
  instance: "app.kubernetes.io/instance",
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
  component: "app.kubernetes.io/component",
  project: "ferry.dev/project",
  ferryComponent: "ferry.dev/component",
  environment: "ferry.dev/environment",
  release: "ferry.dev/release",
  /** A preview's objects and pods only, valued with its pull request number; Ferry's alone to set. */
  preview: "ferry.dev/preview",
} as const;

/** The labels selectors use: stable across releases, unique per component in a namespace. */
export function selectorLabels(project: string, component: string): Record<string, string> {
  return { [LABEL.project]: project, [LABEL.ferryComponent]: component };
}

/**
 * Recommended Kubernetes labels plus Ferry's; the component's own labels come first and lose, and
 * its own `ferry.dev/preview` is dropped (only a preview's render sets it).
 */
export function objectLabels(input: CompileInput): Record<string, string> {
  const { component, componentType } = input.release.spec;
  const { name, project } = component.metadata;
  const { [LABEL.preview]: _claimed, ...own } = component.metadata.labels ?? {};
  return {
    ...own,
    [LABEL.name]: name,
    [LABEL.instance]: name,
    [LABEL.partOf]: project,
    [LABEL.managedBy]: "ferry",
    [LABEL.component]: componentType.metadata.name,
    [LABEL.project]: project,
    [LABEL.ferryComponent]: name,
    [LABEL.environment]: input.environment.name,
    [LABEL.release]: input.release.metadata.name,
    ...(input.preview !== undefined ? { [LABEL.preview]: String(input.preview) } : {}),
  };
}

/** `target`: the Platform environment being rendered, as templates see it. */
export interface TargetContext {
  readonly name: string;
  readonly production: boolean;
  readonly routes: "gateway" | "ingress";
  readonly gateway: { readonly name: string; readonly namespace: string };
  /** null when the environment sets none, so a template using it drops the key. */
  readonly ingressClassName: string | null;
}

export function targetContext(env: Environment): TargetContext {
  return {
    name: env.name,
    production: env.production,
    routes: env.routes,
    gateway: { name: env.gateway.name, namespace: env.gateway.namespace },
    ingressClassName: env.ingressClassName ?? null,
  };
}

/** The parts of the context shared by the type and every trait of one compile. */
export interface BaseContext {
  readonly metadata: {
    readonly name: string;
    readonly project: string;
    readonly environment: string;
    readonly namespace: string;
    readonly release: string;
    readonly labels: Record<string, string>;
    readonly selectorLabels: Record<string, string>;
  };
  readonly component: unknown;
  readonly target: TargetContext;
}

export function baseContext(input: CompileInput, labels: Record<string, string>): BaseContext {
  const { component } = input.release.spec;
  return {
    metadata: {
      name: component.metadata.name,
      project: component.metadata.project,
      environment: input.environment.name,
      namespace: input.namespace,
      release: input.release.metadata.name,
      labels,
      selectorLabels: selectorLabels(component.metadata.project, component.metadata.name),
    },
    component: component.spec,
    target: targetContext(input.environment),
  };
}

/** The context of the type (no trait) or of one trait instance. */
export function scopeContext(
  base: BaseContext,
  parameters: Record<string, unknown>,
  environment: Record<string, unknown>,
  traitName?: string,
): Record<string, unknown> {
  return {
    metadata: base.metadata,
    component: base.component,
    target: base.target,
    parameters,
    environment,
    ...(traitName !== undefined ? { trait: { name: traitName } } : {}),
  };
}
