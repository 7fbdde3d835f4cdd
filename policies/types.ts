/** Shapes shared by the built-in policies, custom policies and the policy engine. */
import type { Severity } from "../renderers/diagnostics.js";
import type { Component, Environment, PolicySettings } from "../renderers/model/index.js";
import type { K8sObject } from "../renderers/types.js";

/** What a built-in check sees: one component's rendered objects in one environment. */
export interface PolicyContext {
  readonly objects: readonly K8sObject[];
  /** The component as written (defaults applied): for checks on inputs. */
  readonly component: Component;
  readonly environment: Environment;
  readonly settings: PolicySettings;
}

/** One thing a policy found wrong. */
export interface Violation {
  /** The rendered object at fault; absent when the finding is about the component's inputs. */
  readonly object?: K8sObject;
  /** Field path inside `object` (or inside the Component document when there is no object). */
  readonly path: readonly (string | number)[];
  /**
   * Field of the Component document the finding traces back to, used to point app PR
   * annotations at a line. Best effort: the nearest existing ancestor is located.
   */
  readonly source: readonly (string | number)[];
  /** What was found, naming the container, image or field. */
  readonly message: string;
}

/** Which environments a built-in checks unless the platform re-scopes it. */
export type DefaultScope = "all" | "production";

/** A guardrail that ships with Ferry. */
export interface BuiltinPolicy {
  /** One sentence for docs and `ferry` listings. */
  readonly description: string;
  readonly severity: Severity;
  /** `production`: only environments with `production: true`. */
  readonly scope: DefaultScope;
  /** Kinds whose findings it reports (`Component` for checks on inputs). */
  readonly appliesTo: readonly string[];
  readonly check: (ctx: PolicyContext) => Violation[];
}
