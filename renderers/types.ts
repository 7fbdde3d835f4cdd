/** Shapes shared by the compiler, policies and writers. */
import type { Diagnostic } from "./diagnostics.js";
import type { EndpointType, Environment, Platform } from "./model/index.js";
import type { CelEngine } from "./cel.js";
import type { CompileCache } from "./compile/cache.js";
import type { FieldPath } from "./field-path.js";
import type { Release } from "./release.js";
import type { z } from "zod";

/** A rendered Kubernetes object as plain JSON. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A dependency with its target resolved: the literal values injected into the container. */
export interface ResolvedDependency {
  readonly project: string;
  readonly component: string;
  readonly endpoint: string;
  readonly endpointType: z.infer<typeof EndpointType>;
  readonly namespace: string;
  /** `<component>.<namespace>.svc.cluster.local` */
  readonly host: string;
  readonly port: number;
  /** `<scheme>://<host>:<port><basePath>` */
  readonly url: string;
  /** Env var names the component asked for. */
  readonly env: { readonly url?: string; readonly host?: string; readonly port?: string };
}

export type { FieldPath };

/** Locates a field of the component document, for diagnostics. */
export type Locator = (path: FieldPath, opts?: { key?: boolean }) => { file: string; line: number; column: number };

/** Everything one component needs to be compiled for one environment. */
export interface CompileInput {
  readonly release: Release;
  readonly platform: Platform;
  readonly environment: Environment;
  /**
   * The cluster rendered, for an environment on several clusters (`environments[].clusters`): its
   * per-cluster overrides apply. @default none: an environment on one cluster
   */
  readonly cluster?: string;
  /**
   * The pull request number when rendering its preview environment: every object and pod template
   * carries `ferry.dev/preview: "<n>"`, which keeps them out of the `from` environment's health.
   * Without it no object carries that label, whatever the component or a template says.
   * @default none: an environment's own render
   */
  readonly preview?: number;
  /** Namespace the component lands in for this environment (the environment's template, resolved). */
  readonly namespace: string;
  readonly dependencies: readonly ResolvedDependency[];
  readonly cel: CelEngine;
  /** Where the component came from; absent for releases read back from a GitOps repository. */
  readonly locate?: Locator;
  /**
   * Compiled schemas and parsed templates shared by the components of one run; pass one
   * `new CompileCache()` to every compileComponent call of a run.
   * @default a fresh cache for this call (correct, but compiles every schema again)
   */
  readonly cache?: CompileCache;
}

export interface CompileResult {
  /** Rendered objects, sorted by kind then name; empty when there are errors. */
  readonly objects: K8sObject[];
  readonly diagnostics: Diagnostic[];
}
