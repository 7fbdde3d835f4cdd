/**
 * Validation of rendered objects against Kubernetes' own schemas (kubernetes-models, generated
 * from the Kubernetes OpenAPI description, and the Gateway API models). An object whose kind has
 * no model is an error: every kind Ferry renders must be checked.
 */
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { CronJob, Job } from "kubernetes-models/batch/v1";
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount } from "kubernetes-models/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";

type Model = new (data: never) => { validate(): void };

const MODELS: ReadonlyMap<string, Model> = new Map<string, Model>([
  ["apps/v1/Deployment", Deployment as unknown as Model],
  ["apps/v1/StatefulSet", StatefulSet as unknown as Model],
  ["autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler as unknown as Model],
  ["batch/v1/CronJob", CronJob as unknown as Model],
  ["batch/v1/Job", Job as unknown as Model],
  ["v1/ConfigMap", ConfigMap as unknown as Model],
  ["v1/Namespace", Namespace as unknown as Model],
  ["v1/PersistentVolumeClaim", PersistentVolumeClaim as unknown as Model],
  ["v1/Secret", Secret as unknown as Model],
  ["v1/Service", Service as unknown as Model],
  ["v1/ServiceAccount", ServiceAccount as unknown as Model],
  ["networking.k8s.io/v1/Ingress", Ingress as unknown as Model],
  ["networking.k8s.io/v1/NetworkPolicy", NetworkPolicy as unknown as Model],
  ["policy/v1/PodDisruptionBudget", PodDisruptionBudget as unknown as Model],
  ["rbac.authorization.k8s.io/v1/Role", Role as unknown as Model],
  ["rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding as unknown as Model],
  ["gateway.networking.k8s.io/v1/HTTPRoute", HTTPRoute as unknown as Model],
]);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Problems of one object against its kind's schema; empty when valid. */
export function schemaErrors(obj: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } }): string[] {
  const key = `${String(obj.apiVersion)}/${String(obj.kind)}`;
  const model = MODELS.get(key);
  const where = `${key} ${String(obj.metadata?.name)}`;
  if (!model) return [`${where}: no Kubernetes schema known for ${key}`];
  const errors: string[] = [];
  const name = obj.metadata?.name;
  if (typeof name !== "string" || name.length > 253 || !DNS_SUBDOMAIN.test(name)) errors.push(`${where}: metadata.name is not a DNS subdomain`);
  try {
    new model(structuredClone(obj) as never).validate();
  } catch (e) {
    errors.push(`${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return errors;
}

export const KNOWN_KINDS: readonly string[] = [...MODELS.keys()];
