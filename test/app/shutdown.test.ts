/**
 * Stopping the app: `createFerryApp` registers how to stop the periodic gates pass and the cluster
 * runtime, and `npm start` runs those stops on SIGTERM or SIGINT before it exits.
 */
import { EventEmitter } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFerryApp } from "../../app/index.js";
import { JobQueue } from "../../app/jobs/queue.js";
import { ClusterRuntime } from "../../flows/status/cluster-runtime.js";
import type { Scheduler } from "../../app/scheduler.js";
import { onSignals, Shutdown, type SignalSource } from "../../app/shutdown.js";
import { kubeconfigYaml } from "../support/fake-kube/index.js";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-shutdown-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("Shutdown", () => {
  it("runs every stop once, newest first, and reports each failure by name", async () => {
    const order: string[] = [];
    const shutdown = new Shutdown();
    shutdown.add("first", () => void order.push("first"));
    shutdown.add("broken", () => {
      throw new Error("boom");
    });
    shutdown.add("last", async () => void order.push("last"));
    const failures = await shutdown.run();
    expect(order).toEqual(["last", "first"]);
    expect(failures.map((e) => e.message)).toEqual(["stopping broken failed: boom"]);
    expect(await shutdown.run()).toBe(failures);
    expect(order).toEqual(["last", "first"]);
  });

  it("stops on the first SIGTERM or SIGINT and exits 0, or 1 when a stop failed", async () => {
    for (const [signal, fails, code] of [
      ["SIGTERM", false, 0],
      ["SIGINT", true, 1],
    ] as const) {
      const source = new EventEmitter();
      const shutdown = new Shutdown();
      let stopped = 0;
      shutdown.add("work", () => {
        stopped++;
        if (fails) throw new Error("stuck");
      });
      const reported: string[] = [];
      const exited = new Promise<number>((resolve) => onSignals(shutdown, resolve, source as SignalSource, (e) => reported.push(e.message)));
      source.emit(signal);
      expect(await exited).toBe(code);
      expect(stopped).toBe(1);
      expect(reported).toEqual(fails ? ["stopping work failed: stuck"] : []);
    }
  });
});

describe("createFerryApp", () => {
  it("registers the stops of the gates pass, the cluster runtime and the job queue it started", async () => {
    const kubeconfig = join(dir, "kubeconfig");
    await writeFile(kubeconfig, kubeconfigYaml([{ context: "kind-dev", server: "https://127.0.0.1:1", caPem: CA, token: "t" }]), { mode: 0o600 });
    let schedulerStops = 0;
    const scheduler: Scheduler = { start: () => () => void schedulerStops++ };
    const runtime = new ClusterRuntime({ env: { KUBECONFIG: kubeconfig } });
    const shutdown = new Shutdown();
    const queue = new JobQueue();
    const probot = new Probot({ appId: 1, privateKey: "unused in this test", secret: "s3cret-for-the-test-only" });
    await probot.load(
      createFerryApp({
        scheduler,
        shutdown,
        queue,
        clusterRuntime: runtime,
        cacheDir: dir,
        platformRepo: { owner: "acme", repo: "platform" },
        logger: probot.log,
      }),
    );
    expect(schedulerStops).toBe(0);
    expect(await shutdown.run()).toEqual([]);
    expect(schedulerStops).toBe(1);
    // A stopped queue takes no more work.
    expect(queue.enqueue({ key: "repo:acme/shop-api", name: "push", run: async () => undefined })).toBe(false);
    // A stopped runtime observes nothing, whatever the platform asks for.
    const platform = { spec: { environments: [{ name: "dev", cluster: { context: "kind-dev" } }] } } as unknown as Parameters<ClusterRuntime["usePlatform"]>[0];
    expect(runtime.usePlatform(platform)).toEqual({ observed: [], missing: [], changed: false });
  });
});
