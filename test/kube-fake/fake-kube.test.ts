import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { KubeConfig, Watch } from "@kubernetes/client-node";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  FakeKube,
  crashLoopRollout,
  deployment,
  podMetrics,
  podName,
  succeedingRollout,
  writeKubeconfig,
  type FakeKubeCerts,
  generateCerts,
} from "../support/fake-kube/index.js";
import { waitFor } from "../support/kube-helpers.js";

const run = promisify(execFile);
const NOW = new Date("2026-03-01T12:00:00Z");
const checkout = { project: "storefront", component: "checkout-api", environment: "dev", release: "r1", now: NOW };
const payments = { project: "payments", component: "payments-api", environment: "dev", release: "p7", now: NOW };

let certs: FakeKubeCerts;
let fake: FakeKube;
let dir: string;

beforeAll(() => {
  certs = generateCerts();
});

beforeEach(async () => {
  fake = await FakeKube.start({ certs, now: () => NOW.getTime() + 90_000 });
  dir = mkdtempSync(join(tmpdir(), "fake-kube-test-"));
});

afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Res {
  status: number;
  body: string;
}

function getFrom(server: FakeKube, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { ca: server.caPem, headers: { Authorization: `Bearer ${server.token}` } }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString("utf8")));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

function get(path: string, headers: Record<string, string> = { Authorization: `Bearer ${fake.token}` }): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(`${fake.url}${path}`, { ca: fake.caPem, headers }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function kubectl(args: string[], kubeconfig: string): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], {
      env: { ...process.env, HOME: dir, KUBECONFIG: "" },
    });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? "", stderr: err.stderr ?? "", code: err.code ?? 1 };
  }
}

function seed(): void {
  const ok = succeedingRollout(checkout).steps[1];
  const bad = crashLoopRollout(payments, { restartCount: 4 }).steps[1];
  if (!ok || !bad) throw new Error("scenario steps missing");
  fake.applyStep(ok);
  fake.applyStep(bad);
}

describe("kubectl against the fake", () => {
  it("lists the seeded deployments and pods of every namespace with server-side columns", async () => {
    seed();
    const kc = writeKubeconfig(join(dir, "kubeconfig"), [{ context: "dev", server: fake.url, caPem: fake.caPem, token: fake.token }]);
    const out = await kubectl(["get", "deployments,pods", "-A"], kc);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const lines = out.stdout.split("\n").map((l) => l.trim().split(/\s+/));
    const find = (name: string): string[] | undefined => lines.find((l) => l[1] === name);
    expect(out.stdout).toMatch(/^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/m);
    expect(out.stdout).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/m);
    expect(find("deployment.apps/checkout-api")).toEqual(["storefront-dev", "deployment.apps/checkout-api", "2/2", "2", "2", "0s"]);
    expect(find("deployment.apps/payments-api")?.slice(0, 5)).toEqual(["payments-dev", "deployment.apps/payments-api", "0/2", "2", "0"]);
    expect(find(`pod/${podName(checkout, 0)}`)?.slice(0, 4)).toEqual(["storefront-dev", `pod/${podName(checkout, 0)}`, "1/1", "Running"]);
    const crashing = find(`pod/${podName(payments, 1)}`);
    expect(crashing?.slice(0, 5)).toEqual(["payments-dev", `pod/${podName(payments, 1)}`, "0/1", "CrashLoopBackOff", "4"]);
    expect(lines.filter((l) => l[1]?.startsWith("pod/"))).toHaveLength(4);
  });

  it("reads full objects as JSON and is refused with a wrong token", async () => {
    seed();
    const good = writeKubeconfig(join(dir, "good"), [{ context: "dev", server: fake.url, caPem: fake.caPem, token: fake.token }]);
    const json = await kubectl(["get", "deployments", "-n", "storefront-dev", "-o", "json"], good);
    const list = JSON.parse(json.stdout) as { items: { metadata: { name: string; labels: Record<string, string> }; status: { readyReplicas: number } }[] };
    expect(list.items.map((i) => [i.metadata.name, i.metadata.labels["ferry.dev/release"], i.status.readyReplicas])).toEqual([["checkout-api", "r1", 2]]);
    const bad = writeKubeconfig(join(dir, "bad"), [{ context: "dev", server: fake.url, caPem: fake.caPem, token: "wrong" }]);
    const refused = await kubectl(["get", "pods", "-A"], bad);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("Unauthorized");
  });
});

describe("the resource metrics API of the fake", () => {
  it("serves PodMetrics that kubectl top reads, and kubectl still resolves pods to the core group", async () => {
    const metrics = await FakeKube.start({ certs, now: () => NOW.getTime() + 90_000, metrics: true });
    try {
      const ok = succeedingRollout(checkout).steps[1];
      if (!ok) throw new Error("scenario step missing");
      metrics.applyStep(ok);
      metrics.apply(podMetrics(checkout, 0, { main: { cpu: "120m", memory: "200Mi" } }));
      metrics.apply(podMetrics(checkout, 1, { main: { cpu: "80m", memory: "150Mi" } }));
      const kc = writeKubeconfig(join(dir, "metrics"), [{ context: "dev", server: metrics.url, caPem: metrics.caPem, token: metrics.token }]);
      const top = await kubectl(["top", "pod", "-n", "storefront-dev", "--no-headers"], kc);
      expect(top.stderr).toBe("");
      expect(
        top.stdout
          .split("\n")
          .filter(Boolean)
          .map((l) => l.trim().split(/\s+/)),
      ).toEqual([
        [podName(checkout, 0), "120m", "200Mi"],
        [podName(checkout, 1), "80m", "150Mi"],
      ]);
      const pods = await kubectl(["get", "pods", "-n", "storefront-dev", "-o", "name"], kc);
      expect(pods.stdout.split("\n").filter(Boolean)).toEqual([`pod/${podName(checkout, 0)}`, `pod/${podName(checkout, 1)}`]);
      const list = JSON.parse(
        await getFrom(metrics, "/apis/metrics.k8s.io/v1beta1/namespaces/storefront-dev/pods?labelSelector=ferry.dev%2Fcomponent%3Dcheckout-api"),
      ) as {
        kind: string;
        items: { metadata: { name: string }; containers: { usage: { cpu: string } }[] }[];
      };
      expect(list.kind).toBe("PodMetricsList");
      expect(list.items.map((i) => [i.metadata.name, i.containers[0]?.usage.cpu])).toEqual([
        [podName(checkout, 0), "120m"],
        [podName(checkout, 1), "80m"],
      ]);
    } finally {
      await metrics.close();
    }
  });
});

describe("fake API protocol", () => {
  it("answers 401 with a Status without the bearer token", async () => {
    const res = await get("/api/v1/pods", {});
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ kind: "Status", status: "Failure", reason: "Unauthorized", code: 401 });
  });

  it("serves discovery for the observed groups", async () => {
    const groups = JSON.parse((await get("/apis")).body) as { groups: { name: string; preferredVersion: { groupVersion: string } }[] };
    expect(groups.groups.map((g) => g.preferredVersion.groupVersion)).toEqual(["apps/v1", "batch/v1", "autoscaling/v2"]);
    const core = JSON.parse((await get("/api/v1")).body) as { resources: { name: string; namespaced: boolean }[] };
    expect(core.resources.map((r) => r.name)).toEqual(["pods", "pods/log", "events"]);
    expect((await get("/openapi/v2")).status).toBe(404);
  });

  it("lists with label and field selectors, without kind on items, and with the store's resourceVersion", async () => {
    seed();
    const res = await get(`/apis/apps/v1/deployments?labelSelector=${encodeURIComponent("ferry.dev/component,ferry.dev/project in (payments)")}`);
    const list = JSON.parse(res.body) as { kind: string; metadata: { resourceVersion: string }; items: { kind?: string; metadata: { name: string } }[] };
    expect(list.kind).toBe("DeploymentList");
    expect(list.metadata.resourceVersion).toBe(String(fake.resourceVersion()));
    expect(list.items.map((i) => [i.metadata.name, i.kind])).toEqual([["payments-api", undefined]]);
    const events = JSON.parse((await get("/api/v1/namespaces/payments-dev/events?fieldSelector=type%3DWarning")).body) as { items: { reason: string }[] };
    expect(events.items.map((e) => e.reason)).toEqual(["BackOff", "BackOff"]);
    const none = JSON.parse((await get("/api/v1/namespaces/payments-dev/events?fieldSelector=type%3DNormal")).body) as { items: unknown[] };
    expect(none.items).toEqual([]);
    expect((await get("/apis/apps/v1/deployments?labelSelector=a%20in%20(")).status).toBe(400);
  });

  it("replays watch events after a resourceVersion and answers an expired one with a 410 ERROR event", async () => {
    seed();
    const from = fake.resourceVersion();
    const d = deployment({ ...checkout, release: "r2", generation: 2 }, { phase: "progressing", updated: 1, ready: 0 });
    fake.apply(d);
    fake.delete({ apiVersion: "apps/v1", kind: "Deployment", namespace: "payments-dev", name: "payments-api" });
    const kc = new KubeConfig();
    kc.loadFromString(fake.kubeconfig(["dev"]));
    const seen: string[] = [];
    const ended: unknown[] = [];
    const ctrl = await new Watch(kc).watch(
      "/apis/apps/v1/deployments",
      { resourceVersion: String(from) },
      (type, obj: { metadata: { name: string; labels: Record<string, string> } }) => {
        seen.push(`${type} ${obj.metadata.name} ${obj.metadata.labels["ferry.dev/release"] ?? ""}`);
      },
      (err) => ended.push(err ?? "closed"),
    );
    await waitFor("replayed events", () => seen.length >= 2);
    fake.apply(deployment({ ...checkout, release: "r3", generation: 3 }, { phase: "available" }));
    await waitFor("live event", () => seen.length >= 3);
    expect(seen).toEqual(["MODIFIED checkout-api r2", "DELETED payments-api p7", "MODIFIED checkout-api r3"]);
    expect(fake.dropWatches()).toBe(1);
    await waitFor("watch end", () => ended.length === 1);
    ctrl.abort();

    fake.expireResourceVersions();
    const res = await get(`/apis/apps/v1/deployments?watch=1&resourceVersion=${from}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.trim())).toMatchObject({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } });
  });

  it("serves the previous container's log with tailLines and refuses a previous log that does not exist", async () => {
    seed();
    fake.setLogs({ namespace: "payments-dev", pod: podName(payments, 0), container: "main", lines: ["a", "b", "c"], previous: true });
    const tail = await get(`/api/v1/namespaces/payments-dev/pods/${podName(payments, 0)}/log?container=main&previous=true&tailLines=2`);
    expect(tail).toEqual({ status: 200, body: "b\nc\n" });
    const missing = await get(`/api/v1/namespaces/storefront-dev/pods/${podName(checkout, 0)}/log?previous=true`);
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body)).toMatchObject({ message: `previous terminated container "main" in pod "${podName(checkout, 0)}" not found` });
    expect((await get("/api/v1/namespaces/storefront-dev/pods/nope/log")).status).toBe(404);
  });
});
