/** Objects of the drift tests: rendered Deployments and Services of a release, their live versions and the manifests an environment holds. */
import { type ComponentManifests, type EnvironmentManifests } from "../../core/drift/environments.js";
import { refKey, refOf } from "../../core/drift/model.js";
import type { K8sObject } from "../../renderers/types.js";

export const R1 = "0a1b2c3d4e5f";
export const R2 = "1b2c3d4e5f60";

export function deployment(env: string, release: string, replicas: number, image = "ghcr.io/acme/api:1.0.0"): K8sObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "api",
      namespace: `shop-${env}`,
      labels: { "app.kubernetes.io/managed-by": "ferry", "ferry.dev/environment": env, "ferry.dev/release": release },
    },
    spec: {
      replicas,
      template: {
        spec: {
          containers: [{ name: "main", image, env: [{ name: "MODE", value: "web" }], ports: [{ name: "http", containerPort: 8080 }] }],
          volumes: [],
        },
      },
    },
  };
}

export function service(env: string): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "api", namespace: `shop-${env}`, labels: { "app.kubernetes.io/managed-by": "ferry" } },
    spec: { ports: [{ name: "http", port: 80 }] },
  };
}

export interface LiveContainer {
  name: string;
  image: string;
  env: { name: string; value: string }[];
  imagePullPolicy?: string;
  terminationMessagePath?: string;
}

export interface LiveShape {
  metadata: K8sObject["metadata"] & { labels: Record<string, string> };
  spec: { replicas?: number; revisionHistoryLimit?: number; template: { spec: { containers: LiveContainer[]; volumes?: unknown[] } } };
  status?: unknown;
}

/** What the API server gives back for an applied object: server metadata, defaults, status. */
export function live(o: K8sObject, edit: (x: LiveShape) => void = () => undefined): K8sObject {
  const x = structuredClone(o) as unknown as LiveShape;
  x.metadata = {
    ...x.metadata,
    uid: "u-1",
    resourceVersion: "42",
    generation: 3,
    creationTimestamp: "2025-01-01T00:00:00Z",
    managedFields: [{ manager: "argocd" }],
  };
  x.metadata.annotations = { "deployment.kubernetes.io/revision": "3" };
  const main = x.spec?.template?.spec.containers[0];
  if (main) {
    x.spec.revisionHistoryLimit = 10;
    main.imagePullPolicy = "IfNotPresent";
    main.terminationMessagePath = "/dev/termination-log";
    delete x.spec.template.spec.volumes; // the API server drops empty lists
  }
  x.status = { replicas: 2, readyReplicas: 2 };
  edit(x);
  return x as unknown as K8sObject;
}

export function liveState(objects: K8sObject[], labelled: K8sObject[] = objects) {
  return { objects: new Map(objects.map((o) => [refKey(refOf(o)), o])), labelled };
}

export function held(release: string | undefined, objects: K8sObject[], expected: ComponentManifests["expected"] = objects): ComponentManifests {
  return { release, objects, expected };
}

export function env(environment: string, components: Record<string, ComponentManifests>): EnvironmentManifests {
  return { environment, components: new Map(Object.entries(components)) };
}
