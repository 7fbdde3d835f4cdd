import { describe, expect, it } from "vitest";
import { diagnose } from "../../../core/status/diagnose.js";
import { KEY, PAYMENTS, crash, health } from "../../support/component-health.js";

describe("diagnose", () => {
  it("has nothing to say about Healthy, Suspended or Unknown components", () => {
    for (const status of ["Healthy", "Suspended", "Unknown"] as const) {
      expect(diagnose({ key: KEY, health: health(status, []) })).toEqual({ key: KEY, status, summary: "", findings: [] });
    }
  });

  it("groups crash-looping pods, quotes a connection failure from the log and points at a dependency that is not ready", () => {
    const logs = ["starting", "dial tcp 10.0.0.7:8080: connect: connection refused"];
    const d = diagnose({
      key: KEY,
      health: health("Degraded", [crash("b"), crash("a", { logTail: logs })]),
      dependencies: [
        { key: PAYMENTS, endpoint: "http", health: health("Degraded", [], { message: "ImagePullBackOff in 2 pods" }) },
        { key: { ...PAYMENTS, component: "ledger" }, health: health("Healthy", []) },
      ],
    });
    expect(d.findings.map((f) => f.kind)).toEqual(["CrashLoopBackOff", "DependencyNotReady"]);
    const [c, dep] = d.findings;
    expect(c).toEqual({
      kind: "CrashLoopBackOff",
      cause:
        'Container "main" keeps crashing (exit code 1) and is restarted in a loop (7 restarts). The log shows a connection failure: "dial tcp 10.0.0.7:8080: connect: connection refused". It depends on payments/payments-api, which is not ready: that may be why.',
      suggestion:
        "Read the last log lines of the previous container below: the process fails at startup. Check the configuration, environment variables and secrets it reads, then publish a fixed release or roll back.",
      pods: ["a", "b"],
      logTail: logs,
      logSource: "a/main",
    });
    expect(dep?.cause).toBe('Dependency payments/payments-api (endpoint "http") is Degraded: ImagePullBackOff in 2 pods.');
    expect(d.summary).toBe(c?.cause);
  });

  it("explains exit codes 0 and 127 and asks for the previous log when none was fetched", () => {
    const zero = diagnose({ key: KEY, health: health("Degraded", [crash("a", { exitCode: 0 })]) }).findings[0];
    expect(zero?.cause).toContain("exits with code 0");
    expect(zero?.suggestion).toContain("kubectl logs --previous");
    expect(diagnose({ key: KEY, health: health("Degraded", [crash("a", { exitCode: 127 })]) }).findings[0]?.cause).toContain(
      "could not be run or was not found",
    );
  });

  it("suggests setting a memory limit when an OOM-killed container has none", () => {
    const f = diagnose({
      key: KEY,
      health: health("Degraded", [{ kind: "OOMKilled", pod: "a", container: "main", message: "oom", exitCode: 137, restartCount: 0 }]),
    }).findings[0];
    expect(f?.cause).toBe('Container "main" ran out of memory and was OOMKilled (exit code 137) (no memory limit found in the pod spec).');
    expect(f?.suggestion).toMatch(/^Set container\.resources\.memory/);
  });

  it("tells registry authentication failures apart from missing tags", () => {
    const denied = diagnose({
      key: KEY,
      health: health("Degraded", [
        {
          kind: "ErrImagePull",
          pod: "a",
          container: "main",
          image: "registry.acme.io/x:1",
          message: "pull access denied, repository does not exist or may require authorization: authorization failed: 401 Unauthorized",
        },
      ]),
    }).findings[0];
    expect(denied?.cause).toBe('Image "registry.acme.io/x:1" cannot be pulled: the registry refused access or the repository does not exist.');
    expect(denied?.suggestion).toMatch(/^Either check that the tag was pushed .* or give the namespace .* an imagePullSecret/);
    const refused = diagnose({
      key: KEY,
      health: health("Degraded", [
        {
          kind: "ErrImagePull",
          pod: "a",
          container: "main",
          image: "ghcr.io/acme/x:1",
          message: "failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized",
        },
      ]),
    }).findings[0];
    expect(refused?.cause).toBe('Image "ghcr.io/acme/x:1" cannot be pulled: the registry refused access.');
    expect(refused?.suggestion).toBe(
      "Give the namespace (or its service account) an imagePullSecret with read access to the registry, or make the image public.",
    );
  });

  it("adapts the Unschedulable suggestion to the scheduler's message", () => {
    const taint = diagnose({
      key: KEY,
      health: health("Degraded", [{ kind: "Unschedulable", pod: "a", message: "0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}." }]),
    }).findings[0];
    expect(taint?.cause).toBe('No node can run the pod. The scheduler says: "0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}.".');
    expect(taint?.suggestion).toContain("node selector, affinity or tolerations");
  });

  it("asks to deploy a dependency that is missing from the environment, and diagnoses Progressing components too", () => {
    const d = diagnose({
      key: KEY,
      health: health("Progressing", [
        { kind: "ReadinessProbeFailed", pod: "a", container: "main", message: "Readiness probe failed: HTTP probe failed with statuscode: 503" },
      ]),
      dependencies: [{ key: PAYMENTS, health: undefined }],
    });
    expect(d.findings.map((f) => [f.kind, f.cause])).toEqual([
      [
        "ReadinessProbeFailed",
        'Pods run but fail their readiness probe: "Readiness probe failed: HTTP probe failed with statuscode: 503". It depends on payments/payments-api, which is not ready: that may be why.',
      ],
      ["DependencyNotReady", "Dependency payments/payments-api is not running in dev."],
    ]);
    expect(d.findings[1]?.suggestion).toBe("Deploy payments/payments-api to dev (or promote it there) before this component, or remove the dependency.");
  });

  it("names the missing Secret for CreateContainerConfigError and orders findings by kind", () => {
    const d = diagnose({
      key: KEY,
      health: health("Degraded", [
        { kind: "Unschedulable", pod: "c", message: "0/3 nodes are available: 3 Insufficient cpu." },
        { kind: "CreateContainerConfigError", pod: "b", container: "main", message: 'secret "checkout-db" not found' },
        { kind: "ProgressDeadlineExceeded", object: "Deployment/checkout-api", message: 'ReplicaSet "x" has timed out progressing.' },
      ]),
    });
    expect(d.findings.map((f) => f.kind)).toEqual(["ProgressDeadlineExceeded", "CreateContainerConfigError", "Unschedulable"]);
    expect(d.findings[0]?.suggestion).toContain("(CreateContainerConfigError, Unschedulable, below)");
    expect(d.findings[1]?.cause).toBe('The container cannot be created: "secret \\"checkout-db\\" not found".');
  });

  it("is deterministic whatever the order of reasons and dependencies", () => {
    const reasons = [
      crash("b"),
      crash("a", { logTail: ["x"] }),
      { kind: "OOMKilled" as const, pod: "c", container: "main", message: "oom", memoryLimit: "1Gi" },
    ];
    const deps = [
      { key: PAYMENTS, health: undefined },
      { key: { ...PAYMENTS, component: "fraud" }, health: health("Degraded", []) },
    ];
    const one = diagnose({ key: KEY, health: health("Degraded", reasons), dependencies: deps });
    const two = diagnose({ key: KEY, health: health("Degraded", [...reasons].reverse()), dependencies: [...deps].reverse() });
    expect(two).toEqual(one);
    expect(one.findings.map((f) => f.kind)).toEqual(["OOMKilled", "CrashLoopBackOff", "DependencyNotReady", "DependencyNotReady"]);
  });
});
