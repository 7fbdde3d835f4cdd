/** `createFerryApp` (app/index.ts) registers how to stop the periodic gates pass, the cluster runtime and the job queue it started. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFerryApp } from "../../app/index.js";
import { JobQueue } from "../../app/jobs/queue.js";
import { ClusterRuntime } from "../../flows/status/cluster-runtime.js";
import type { Scheduler } from "../../app/scheduler.js";
import { Shutdown } from "../../app/shutdown.js";
import { kubeconfigYaml } from "../support/fake-kube/index.js";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-shutdown-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
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
