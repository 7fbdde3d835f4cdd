/**
 * Diagnosis (pure): turns the reasons in a component's health, and the health of the components
 * it depends on, into a likely cause and a suggestion people can act on. Deterministic: the
 * same input gives the same findings in the same order.
 */
import { z } from "zod";
import { REASON_ORDER } from "./health.js";
import type { ComponentHealth, HealthReason, ReasonKind } from "./health.js";
import { ComponentKey, keyString } from "./components.js";

/** Health of a component this one depends on (undefined health: not found in the cluster). */
export interface DependencyHealth {
  key: ComponentKey;
  /** The endpoint used. */
  endpoint?: string;
  health: ComponentHealth | undefined;
}

/** Input of {@link diagnose}. */
export const DiagnoseInput = z.object({
  key: ComponentKey,
  health: z.custom<ComponentHealth>((v) => typeof v === "object" && v !== null && "status" in v, { error: "health must be a ComponentHealth" }),
  dependencies: z
    .array(
      z.object({
        key: ComponentKey,
        endpoint: z.string().optional(),
        health: z.custom<ComponentHealth | undefined>((v) => v === undefined || (typeof v === "object" && v !== null && "status" in v)),
      }),
    )
    .default([]),
});
export type DiagnoseInput = z.input<typeof DiagnoseInput>;

/** What a finding is about: a health reason, or a dependency that is not ready. */
export type FindingKind = ReasonKind | "DependencyNotReady";

/** One likely cause with a suggestion. */
export interface Finding {
  kind: FindingKind;
  /** Short likely cause, quoting Kubernetes' message where it helps. */
  cause: string;
  /** What to do about it. */
  suggestion: string;
  /** Pods showing it, sorted. */
  pods: string[];
  /** Log lines that support it (the previous container's for crash loops). */
  logTail?: string[];
  /** `pod/container` the log lines come from. */
  logSource?: string;
}

/** The diagnosis of one component. */
export interface Diagnosis {
  key: ComponentKey;
  status: ComponentHealth["status"];
  /** The most likely cause in one line (empty when there is nothing to diagnose). */
  summary: string;
  findings: Finding[];
}

const ORDER: readonly FindingKind[] = [...REASON_ORDER, "DependencyNotReady"];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function q(s: string): string {
  return JSON.stringify(s);
}

function uniqueSorted(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ""))].sort();
}

/** The reason with log lines from the first pod by name (so the pick does not depend on input order). */
function firstWithLogs(reasons: HealthReason[]): HealthReason | undefined {
  const id = (r: HealthReason): string => `${r.pod ?? ""}/${r.container ?? ""}`;
  return [...reasons].filter((r) => (r.logTail ?? []).length > 0).sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0))[0];
}

function withLogs(f: Omit<Finding, "logTail" | "logSource">, reasons: HealthReason[]): Finding {
  const r = firstWithLogs(reasons);
  if (!r?.logTail) return f;
  return { ...f, logTail: r.logTail, logSource: `${r.pod ?? ""}/${r.container ?? ""}` };
}

const CONNECTION_FAILURE = /connection refused|ECONNREFUSED|no such host|ENOTFOUND|getaddrinfo|i\/o timeout|ETIMEDOUT|connect: network is unreachable/i;

function dependencyNote(deps: DependencyHealth[]): string {
  const bad = uniqueSorted(deps.filter((d) => d.health?.status !== "Healthy").map((d) => `${d.key.project}/${d.key.component}`));
  if (bad.length === 0) return "";
  return ` It depends on ${bad.join(", ")}, which ${bad.length === 1 ? "is" : "are"} not ready: that may be why.`;
}

function exitMeaning(code: number | undefined): string {
  if (code === undefined) return "";
  if (code === 0) return " The process exits with code 0: a Deployment needs a process that keeps running (check command and args).";
  if (code === 137) return " Exit code 137 means it was killed (SIGKILL), often by a failing liveness probe.";
  if (code === 143) return " Exit code 143 means it stopped on SIGTERM.";
  if (code === 126 || code === 127)
    return ` Exit code ${code} means the command could not be run or was not found in the image (check command and the image's entrypoint).`;
  return "";
}

function crashLoop(reasons: HealthReason[], deps: DependencyHealth[]): Finding {
  const containers = uniqueSorted(reasons.map((r) => r.container));
  const restarts = Math.max(...reasons.map((r) => r.restartCount ?? 0));
  const codes = uniqueSorted(reasons.map((r) => (r.exitCode === undefined ? undefined : String(r.exitCode))));
  const code = codes.length === 1 ? Number(codes[0]) : undefined;
  const logs = firstWithLogs(reasons)?.logTail ?? [];
  const connection = logs.find((l) => CONNECTION_FAILURE.test(l));
  const cause =
    `Container ${containers.map(q).join(", ")} keeps crashing${codes.length > 0 ? ` (exit code ${codes.join(", ")})` : ""} and is restarted in a loop (${plural(restarts, "restart")}).` +
    exitMeaning(code) +
    (connection ? ` The log shows a connection failure: ${q(connection.trim())}.` : "") +
    dependencyNote(deps);
  const suggestion =
    logs.length > 0
      ? "Read the last log lines of the previous container below: the process fails at startup. Check the configuration, environment variables and secrets it reads, then publish a fixed release or roll back."
      : "Look at the previous container's log (`kubectl logs --previous`): the process fails at startup. Check its configuration, environment variables and secrets, then publish a fixed release or roll back.";
  return withLogs({ kind: "CrashLoopBackOff", cause, suggestion, pods: uniqueSorted(reasons.map((r) => r.pod)) }, reasons);
}

function oomKilled(reasons: HealthReason[]): Finding {
  const containers = uniqueSorted(reasons.map((r) => r.container));
  const limits = uniqueSorted(reasons.map((r) => r.memoryLimit));
  const restarts = Math.max(...reasons.map((r) => r.restartCount ?? 0));
  const cause =
    `Container ${containers.map(q).join(", ")} ran out of memory and was OOMKilled (exit code 137)` +
    (limits.length > 0 ? ` at its memory limit of ${limits.join(", ")}` : " (no memory limit found in the pod spec)") +
    (restarts > 0 ? `, ${plural(restarts, "restart")} so far.` : ".");
  const suggestion =
    limits.length > 0
      ? `Raise the memory (container.resources.memory, or the environment's resources override) above ${limits.join(", ")} if the workload needs more, or find the leak if memory keeps growing until it is killed.`
      : "Set container.resources.memory to what the workload needs, or find the leak if memory keeps growing until it is killed.";
  return withLogs({ kind: "OOMKilled", cause, suggestion, pods: uniqueSorted(reasons.map((r) => r.pod)) }, reasons);
}

function imagePull(kind: "ImagePullBackOff" | "ErrImagePull", reasons: HealthReason[], health: ComponentHealth): Finding {
  const images = uniqueSorted(reasons.map((r) => r.image));
  // ImagePullBackOff only says "Back-off pulling image"; the kubelet's Failed events about the same pods carry the registry's answer.
  const pods = new Set(reasons.map((r) => `Pod/${r.pod ?? ""}`));
  const events = health.warnings.filter((w) => pods.has(w.object) && (w.reason === "Failed" || w.reason === "ErrImagePull")).map((w) => w.message);
  const messages = [...reasons.map((r) => r.message), ...events].join("\n");
  let why = "the image could not be pulled";
  let suggestion =
    "Check that the image name and tag are right and that the tag was pushed (did the build succeed?); for a private registry, give the namespace an imagePullSecret with read access.";
  const missing = /not found|manifest unknown|does not exist|NotFound/i.test(messages);
  const refused = /unauthorized|denied|authentication required|forbidden|\b401\b|\b403\b/i.test(messages);
  const secret = "give the namespace (or its service account) an imagePullSecret with read access to the registry, or make the image public";
  const tag = "check that the tag was pushed (did the build succeed, with this tag?) and that the image name is spelled right";
  if (missing && refused) {
    // Docker Hub answers both a missing repository and a private one with "pull access denied, repository does not exist or may require authorization".
    why = "the registry refused access or the repository does not exist";
    suggestion = `Either ${tag}, or ${secret}.`;
  } else if (missing) {
    why = "the image or tag does not exist in the registry";
    suggestion = `${tag[0]?.toUpperCase() ?? ""}${tag.slice(1)}, then publish a release with an existing tag.`;
  } else if (refused) {
    why = "the registry refused access";
    suggestion = `${secret[0]?.toUpperCase() ?? ""}${secret.slice(1)}.`;
  }
  const detail = kind === "ImagePullBackOff" ? " Kubernetes is backing off between attempts." : "";
  const cause = `Image ${images.length > 0 ? images.map(q).join(", ") : "of the container"} cannot be pulled: ${why}.${detail}`;
  return { kind, cause, suggestion, pods: uniqueSorted(reasons.map((r) => r.pod)) };
}

function unschedulable(reasons: HealthReason[]): Finding {
  const messages = uniqueSorted(reasons.map((r) => r.message));
  const requests = reasons.find((r) => r.requests)?.requests;
  const asked = requests
    ? ` The pod requests ${[requests.cpu ? `cpu ${requests.cpu}` : "", requests.memory ? `memory ${requests.memory}` : ""].filter((s) => s !== "").join(" and ")}.`
    : "";
  const all = messages.join(" ");
  let suggestion = "Check what the scheduler reports: requests, node selectors, affinity, tolerations and volumes must fit at least one node.";
  if (/Insufficient (memory|cpu)/i.test(all)) {
    suggestion =
      "The requests are larger than what any node has free: lower the resources (container.resources, or the environment's override) or add capacity (more or larger nodes).";
  } else if (/node affinity|node selector|didn't match|untolerated taint|had taint/i.test(all)) {
    suggestion = "No node matches the pod's node selector, affinity or tolerations: fix them or label / taint nodes accordingly.";
  } else if (/PersistentVolumeClaim|volume node affinity/i.test(all)) {
    suggestion = "A volume cannot be bound or reached: check the PersistentVolumeClaim and its storage class.";
  }
  const cause = `No node can run the pod. The scheduler says: ${messages.map(q).join("; ")}.${asked}`;
  return { kind: "Unschedulable", cause, suggestion, pods: uniqueSorted(reasons.map((r) => r.pod)) };
}

function readiness(reasons: HealthReason[], deps: DependencyHealth[]): Finding {
  const messages = uniqueSorted(reasons.map((r) => r.message));
  return {
    kind: "ReadinessProbeFailed",
    cause: `Pods run but fail their readiness probe: ${messages.map(q).join("; ")}.${dependencyNote(deps)}`,
    suggestion:
      "Check that the app listens on the probe's port and path and answers with 2xx once started; if it waits for a dependency, make that dependency ready first.",
    pods: uniqueSorted(reasons.map((r) => r.pod)),
  };
}

function deadline(reasons: HealthReason[], others: HealthReason[]): Finding {
  const objects = uniqueSorted(reasons.map((r) => r.object));
  const podKinds = uniqueSorted(others.filter((r) => r.kind !== "ProgressDeadlineExceeded" && r.kind !== "JobFailed").map((r) => r.kind));
  return {
    kind: "ProgressDeadlineExceeded",
    cause: `The rollout of ${objects.join(", ")} did not finish within its progress deadline: ${uniqueSorted(reasons.map((r) => r.message))
      .map(q)
      .join("; ")}.`,
    suggestion:
      podKinds.length > 0
        ? `Fix what keeps the new pods from becoming available (${podKinds.join(", ")}, below), then publish a fixed release or roll back.`
        : "New pods never became available in time: check the pods' events and logs, then publish a fixed release or roll back.",
    pods: [],
  };
}

function jobFailed(reasons: HealthReason[]): Finding {
  const r = reasons[0];
  const codes = uniqueSorted(reasons.map((x) => (x.exitCode === undefined ? undefined : String(x.exitCode))));
  return withLogs(
    {
      kind: "JobFailed",
      cause: `${uniqueSorted(reasons.map((x) => x.object)).join(", ")} failed: ${r?.message ?? "Job failed"}${codes.length > 0 ? `; the last pod exited with code ${codes.join(", ")}` : ""}.`,
      suggestion: "Read the failed pod's log lines below; fix the cause and publish a new release (a Job that reached its backoff limit is not retried).",
      pods: uniqueSorted(reasons.map((x) => x.pod)),
    },
    reasons,
  );
}

function configError(reasons: HealthReason[], key: ComponentKey): Finding {
  return {
    kind: "CreateContainerConfigError",
    cause: `The container cannot be created: ${uniqueSorted(reasons.map((r) => r.message))
      .map(q)
      .join("; ")}.`,
    suggestion: `Create the missing Secret or ConfigMap (or key) in the component's namespace for ${key.environment}, or fix the reference in the component's env.`,
    pods: uniqueSorted(reasons.map((r) => r.pod)),
  };
}

function containerError(reasons: HealthReason[]): Finding {
  return {
    kind: "ContainerError",
    cause: `The container fails to start: ${uniqueSorted(reasons.map((r) => r.message))
      .map(q)
      .join("; ")}.`,
    suggestion: "Check the container's command, image and security settings against what the error reports.",
    pods: uniqueSorted(reasons.map((r) => r.pod)),
  };
}

function dependencyFindings(deps: DependencyHealth[]): Finding[] {
  return [...deps]
    .filter((d) => d.health?.status !== "Healthy")
    .sort((a, b) => (keyString(a.key) < keyString(b.key) ? -1 : keyString(a.key) > keyString(b.key) ? 1 : 0))
    .map((d) => {
      const name = `${d.key.project}/${d.key.component}`;
      const endpoint = d.endpoint ? ` (endpoint ${q(d.endpoint)})` : "";
      const state = d.health ? `is ${d.health.status}${d.health.message ? `: ${d.health.message}` : ""}` : `is not running in ${d.key.environment}`;
      return {
        kind: "DependencyNotReady" as const,
        cause: `Dependency ${name}${endpoint} ${state}.`,
        suggestion: d.health
          ? `Get ${name} healthy in ${d.key.environment} first; this component cannot serve while its dependency's endpoint is not ready.`
          : `Deploy ${name} to ${d.key.environment} (or promote it there) before this component, or remove the dependency.`,
        pods: [],
      };
    });
}

/**
 * Diagnoses a component. Components that are Healthy, Suspended or Unknown get no findings;
 * Degraded and Progressing ones get one finding per kind of reason (pods grouped), plus one per
 * dependency that is not healthy. `summary` is the first finding's cause.
 */
export function diagnose(input: DiagnoseInput): Diagnosis {
  const { key, health, dependencies } = DiagnoseInput.parse(input);
  const deps: DependencyHealth[] = dependencies.map((d) => ({ key: d.key, health: d.health, ...(d.endpoint !== undefined ? { endpoint: d.endpoint } : {}) }));
  if (health.status !== "Degraded" && health.status !== "Progressing") return { key, status: health.status, summary: "", findings: [] };
  const byKind = new Map<ReasonKind, HealthReason[]>();
  for (const r of health.reasons) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  const findings: Finding[] = [];
  for (const [kind, reasons] of byKind) {
    switch (kind) {
      case "CrashLoopBackOff":
        findings.push(crashLoop(reasons, deps));
        break;
      case "OOMKilled":
        findings.push(oomKilled(reasons));
        break;
      case "ImagePullBackOff":
      case "ErrImagePull":
        findings.push(imagePull(kind, reasons, health));
        break;
      case "Unschedulable":
        findings.push(unschedulable(reasons));
        break;
      case "ReadinessProbeFailed":
        findings.push(readiness(reasons, deps));
        break;
      case "ProgressDeadlineExceeded":
        findings.push(deadline(reasons, health.reasons));
        break;
      case "JobFailed":
        findings.push(jobFailed(reasons));
        break;
      case "CreateContainerConfigError":
        findings.push(configError(reasons, key));
        break;
      case "ContainerError":
        findings.push(containerError(reasons));
        break;
    }
  }
  findings.push(...dependencyFindings(deps));
  findings.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  return { key, status: health.status, summary: findings[0]?.cause ?? "", findings };
}
