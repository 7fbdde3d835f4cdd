/**
 * The likely causes in the status comment of a failed verification, with the evidence read once
 * by flows/diagnosis: the cluster runtime and its wiring over a fake Kubernetes API, a real
 * Prometheus scraping the test exporter, the contract-checked fake GitHub over a real GitOps
 * repository (git http-backend) holding the api release's frozen Component (it depends on
 * shop/payments) and payments' history. payments' errors rise before api's release lands, api's
 * after it: the comment names payments first, with its numbers and its pod's first error line, and
 * quotes api's pod under the release.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDeps } from "../../../app/deps.js";
import type { LandedRelease } from "../../../flows/promotion/events.js";
import { ClusterRuntime } from "../../../flows/status/cluster-runtime.js";
import { wireClusterRuntime } from "../../../flows/status/rollout-wiring.js";
import { HTTP_SIGNALS } from "../../../core/signals/defaults.js";
import { toYaml } from "../../../renderers/canonical.js";
import { Platform } from "../../../renderers/model/index.js";
import { releasePath } from "../../../renderers/release.js";
import { ContractIndex, FakeGitHub } from "../../support/fake-github/index.js";
import { createTestProbot } from "../../support/fake-github/probot.js";
import { FakeKube, podName, succeedingRollout } from "../../support/fake-kube/index.js";
import { startGitServer, type GitServer } from "../../support/git-server.js";
import { componentYaml } from "../../support/harness.js";
import { waitFor } from "../../support/kube-helpers.js";
import { startPrometheus, type PrometheusServer } from "../../support/prometheus-server.js";
import { setup } from "../../support/release-setup.js";

const APP_REPO = "acme/shop-api";
const silent = { child: () => silent, info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;

let dir: string;
let kube: FakeKube;
let github: FakeGitHub;
let prom: PrometheusServer;
let git: GitServer;
let gh: Awaited<ReturnType<ReturnType<typeof createTestProbot>["auth"]>>;
let sha: string;
let api: string;
let payments: string;

/** dev (kind-dev, Prometheus "local"; verify errorRate <= 5% for 4 s) -> staging. */
function platform(): Platform {
  const gitops = (env: string) => ({ repo: "acme/gitops", branch: "main", path: `environments/${env}` });
  return Platform.parse({
    apiVersion: "ferry.dev/v1alpha1",
    kind: "Platform",
    metadata: { name: "acme" },
    spec: {
      projects: [{ name: "shop", repos: [APP_REPO] }],
      observability: { prometheus: [{ name: "local", url: prom.url }] },
      signals: { errorRate: { query: HTTP_SIGNALS.errorRate!.query, unit: "ratio" } },
      environments: [
        { name: "dev", cluster: { context: "kind-dev", prometheus: "local" }, gitops: gitops("dev") },
        { name: "staging", gitops: gitops("staging") },
      ],
      pipeline: [{ from: "dev", to: ["staging"] }],
    },
  });
}

/** The platform with dev's incoming step verifying errorRate (a `build` environment before it). */
function verifying(): Platform {
  const p = platform();
  return Platform.parse({
    ...p,
    spec: {
      ...p.spec,
      environments: [{ name: "build", gitops: { repo: "acme/gitops", branch: "main", path: "environments/build" } }, ...p.spec.environments],
      pipeline: [{ from: "build", to: ["dev"], verify: { duration: "4s", signals: { errorRate: { max: 0.05 } } } }, ...p.spec.pipeline],
    },
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-verification-causes-"));
  [kube, github, prom, git] = await Promise.all([FakeKube.start(), FakeGitHub.start({ contract: ContractIndex.load() }), startPrometheus(), startGitServer()]);
  await writeFile(join(dir, "kubeconfig"), kube.kubeconfig(["kind-dev"]), { mode: 0o600 });
  // The releases as Ferry cuts them: api depends on payments.
  const cut = setup({
    ".ferry/api.yaml": componentYaml({ extra: "  dependencies:\n    - {component: payments, endpoint: http}\n" }),
    ".ferry/payments.yaml": componentYaml({ name: "payments", image: "ghcr.io/acme/payments:1.0.0" }),
  });
  if (cut.diagnostics.some((d) => d.severity === "error")) throw new Error(JSON.stringify(cut.diagnostics));
  const release = (name: string) => cut.apps.find((a) => a.release.metadata.component === name)!.release;
  api = release("api").metadata.name;
  payments = release("payments").metadata.name;
  const gitops = await git.createRepo("acme/gitops", {
    files: { "README.md": "GitOps\n", [releasePath(release("api"))]: toYaml(release("api")), [releasePath(release("payments"))]: toYaml(release("payments")) },
  });
  await git.commit("acme/gitops", {
    files: { "environments/dev/shop/payments/deployment.yaml": "kind: Deployment\n" },
    message: `dev: shop/payments\n\nFerry-Component: shop/payments\nFerry-Environment: dev\nFerry-Release: ${payments}\n`,
  });
  const installation = github.addInstallation({ account: "acme" });
  await github.addRepo({ owner: "acme", name: "shop-api", files: { "README.md": "shop api\n" } });
  await github.addRepo({ owner: "acme", name: "gitops", gitDir: gitops.path, cloneUrl: gitops.url });
  await github.addRepo({ owner: "acme", name: "platform", files: { ".ferry/platform.yaml": toYaml(verifying()) } });
  sha = (await github.branchSha(APP_REPO))!;
  gh = await createTestProbot(github).auth(installation.id);
}, 60_000);
afterAll(async () => {
  await Promise.all([kube?.close(), github?.close(), prom?.close(), git?.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe("the status comment of a failed verification", () => {
  it("names the upstream whose errors rose first, with its numbers and its pod's first error line, then the release with api's", async () => {
    const deps = resolveDeps({ cacheDir: join(dir, "cache"), platformRepo: { owner: "acme", repo: "platform" }, logger: silent }, { logger: silent });
    const runtime = new ClusterRuntime({ env: { KUBECONFIG: join(dir, "kubeconfig") }, debounceMs: 100, verifyMinIntervalMs: 1000 });
    const wiring = wireClusterRuntime({ runtime, deps: () => deps, promoteNext: async () => undefined });
    const statuses = () =>
      github
        .deploymentsIn(APP_REPO, "dev")
        .filter((d) => typeof d.payload === "object" && d.payload.component === "api")
        .flatMap((d) => d.statuses.map((s) => `${s.state}: ${s.description}`));
    try {
      // payments runs and serves 1% errors, then 30% before api's release lands; its pod logs why.
      kube.applyStep(succeedingRollout({ project: "shop", component: "payments", environment: "dev", release: payments }).steps.at(-1)!);
      const paymentsPod = podName({ project: "shop", component: "payments", environment: "dev", release: payments }, 0);
      kube.setLogs({ namespace: "shop-dev", pod: paymentsPod, container: "main", lines: ["listening on :8080", "ERROR ledger: deadlock detected"] });
      prom.exporter.set("shop-dev", "payments", { rps: 100, errorRatio: 0.01, latencySeconds: 0.05 });
      prom.exporter.set("shop-dev", "api", { rps: 100, errorRatio: 0.01, latencySeconds: 0.05 });
      await prom.scrapes(6);
      prom.exporter.set("shop-dev", "payments", { rps: 100, errorRatio: 0.3, latencySeconds: 0.05 });
      await prom.scrapes(8);

      await wiring.start();
      prom.exporter.set("shop-dev", "api", { rps: 100, errorRatio: 0.2, latencySeconds: 0.05 });
      const landed: LandedRelease = {
        environment: "dev",
        project: "shop",
        component: "api",
        release: api,
        gitops: { owner: "acme", repo: "gitops" },
        source: { repo: APP_REPO, sha },
      };
      expect(await wiring.watchRollout(landed, gh, verifying())).toBe(true);
      await waitFor("the observer has read kind-dev", () => runtime.observer.isSynced("kind-dev"));
      const apiPod = podName({ project: "shop", component: "api", environment: "dev", release: api, generation: 2 }, 0);
      for (const step of succeedingRollout({ project: "shop", component: "api", environment: "dev", release: api, generation: 2 }).steps) kube.applyStep(step);
      kube.setLogs({ namespace: "shop-dev", pod: apiPod, container: "main", lines: ["listening on :8080", "POST /orders 502: error from payments: 500"] });
      await waitFor("the verification ended", () => statuses().some((s) => /^(failure|success):/.test(s)), 2000, 10);
      await wiring.idle();
      await runtime.watches.idle();
      expect(statuses().at(-1)).toMatch(/^failure: Verification failed:/);

      const comment = github.commitCommentsOn(APP_REPO, sha).find((c) => c.body.startsWith("<!-- ferry:status:dev:shop/api -->"))?.body ?? "";
      const causes = comment.slice(comment.indexOf("### Likely causes"));
      expect(comment.indexOf("### Likely causes")).toBeGreaterThan(comment.indexOf("### Signals"));
      expect(causes).toMatch(
        /^1\. \*\*high\*\* \(dependency shop\/payments\): Upstream shop\/payments: its errorRate rose from [\d.]+ to [\d.]+ at .+s before release \w+ landed, \d+s before errorRate of shop\/api rose\.$/m,
      );
      expect(causes).toMatch(
        /^ {3}- signal: errorRate of shop\/payments rose from [\d.]+ \(window start\) to [\d.]+ at .+, above its bound 0\.05; now 0\.(29|3)\d*$/m,
      );
      expect(causes).toContain(`   - log: ${paymentsPod}/main: ERROR ledger: deadlock detected`);
      expect(causes).toMatch(/^ {3}- dependency: shop\/payments \(endpoint http\) is Healthy: 2 of 2 replicas available$/m);
      expect(causes).toMatch(new RegExp(`^2\\. \\*\\*medium\\*\\* \\(release ${api}\\): Release ${api}, landed at .+, but a dependency rose first\\.$`, "m"));
      expect(causes).toContain(`   - log: ${apiPod}/main: POST /orders 502: error from payments: 500`);
      expect(causes).not.toContain("not read here");
    } finally {
      await wiring.stop();
      await github.settled();
      github.assertNoViolations();
    }
  }, 90_000);
});
