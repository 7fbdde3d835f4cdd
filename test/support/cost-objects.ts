/** Objects of the cost units: one-container Deployments with given requests, autoscalers and claims, and the platform's prices. */
import { Pricing } from "../../renderers/model/index.js";
import type { K8sObject } from "../../renderers/types.js";

export const pricing = Pricing.parse({ cpu: 23, memory: 3.1, storage: 0.1, currency: "EUR" });

export function deployment(name: string, replicas: number, cpu: string, memory: string, namespace = "shop-prod"): K8sObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: { replicas, template: { spec: { containers: [{ name: "main", resources: { requests: { cpu, memory } } }] } } },
  };
}
export function hpa(name: string, minReplicas: number, maxReplicas: number, namespace = "shop-prod"): K8sObject {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name }, minReplicas, maxReplicas },
  };
}
export function claim(name: string, size: string): K8sObject {
  return { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name, namespace: "shop-prod" }, spec: { resources: { requests: { storage: size } } } };
}
