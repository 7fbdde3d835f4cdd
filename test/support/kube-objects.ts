/** Turns fake-kube builder output into the parsed {@link ClusterObjects} health works on (through the app's zod schemas). */
import {
  CronJob,
  Deployment,
  HorizontalPodAutoscaler,
  Job,
  KubeEvent,
  Pod,
  ReplicaSet,
  StatefulSet,
  emptyObjects,
  type ClusterObjects,
} from "../../core/status/cluster-objects.js";
import type { KubeObject } from "./fake-kube/index.js";

/** Parses each object with its kind's schema and files it under the right list. Throws on unknown kinds. */
export function objectsOf(list: KubeObject[], logs: ClusterObjects["logs"] = {}): ClusterObjects {
  const out = emptyObjects();
  out.logs = logs;
  for (const o of list) {
    switch (o.kind) {
      case "Deployment":
        out.deployments.push(Deployment.parse(o));
        break;
      case "StatefulSet":
        out.statefulSets.push(StatefulSet.parse(o));
        break;
      case "ReplicaSet":
        out.replicaSets.push(ReplicaSet.parse(o));
        break;
      case "Pod":
        out.pods.push(Pod.parse(o));
        break;
      case "Job":
        out.jobs.push(Job.parse(o));
        break;
      case "CronJob":
        out.cronJobs.push(CronJob.parse(o));
        break;
      case "HorizontalPodAutoscaler":
        out.hpas.push(HorizontalPodAutoscaler.parse(o));
        break;
      case "Event":
        out.events.push(KubeEvent.parse(o));
        break;
      default:
        throw new Error(`objectsOf: unexpected kind ${o.kind}`);
    }
  }
  return out;
}

/** A deep copy of `o` with `patch` applied to it. */
export function tweak<T extends KubeObject>(o: T, patch: (copy: T) => void): T {
  const copy = structuredClone(o);
  patch(copy);
  return copy;
}
