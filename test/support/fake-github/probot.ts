/**
 * Probot wired to a fake GitHub: an app key pair whose public half the fake checks JWTs with,
 * Octokit pointed at the fake, and a webhook server on 127.0.0.1 for signed deliveries.
 *
 * ```ts
 * const fake = await FakeGitHub.start();
 * const probot = createTestProbot(fake, { secret: "s3cret" });
 * const server = await startWebhookServer(probot, createFerryApp(deps));
 * await deliver(server.url, "push", payload("push", undefined, { repo: "acme/app" }), { secret: "s3cret" });
 * await server.close();
 * ```
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot, ProbotOctokit, type ApplicationFunction, type Logger } from "probot";
import type { GitHubModel } from "./model.js";

/** An RSA key pair in PEM, like the private key GitHub issues for an app. */
export interface AppKeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/** Generates an app key pair (RSA 2048, PKCS#1 private key as GitHub hands out). */
export function generateAppKey(): AppKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKey, publicKey };
}

/** `ProbotOctokit` without request throttling and retries (a local fake needs neither; failures surface at once). */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(options.throttle as object | undefined), enabled: false },
  retry: { ...(options.retry as object | undefined), enabled: false },
})) as typeof ProbotOctokit;

/** Options of {@link createTestProbot}. */
export interface TestProbotOptions {
  /** Webhook secret. @default "test-webhook-secret" */
  readonly secret?: string;
  /** Key pair of the app. @default a fresh one */
  readonly key?: AppKeyPair;
  /** Octokit class (e.g. the app's own). @default {@link TestOctokit} */
  readonly Octokit?: typeof ProbotOctokit;
  /** Probot's logger. @default Probot's own, at level fatal */
  readonly log?: Logger;
}

/**
 * A Probot instance whose API calls go to the fake and whose app JWTs the fake verifies (the
 * fake's app id is used, and its public key is set to the generated one).
 */
export function createTestProbot(fake: GitHubModel, opts: TestProbotOptions = {}): Probot {
  const key = opts.key ?? generateAppKey();
  fake.app.publicKey = key.publicKey;
  return new Probot({
    appId: fake.app.id,
    privateKey: key.privateKey,
    secret: opts.secret ?? "test-webhook-secret",
    baseUrl: fake.apiUrl,
    logLevel: "fatal",
    ...(opts.log ? { log: opts.log } : {}),
    Octokit: opts.Octokit ?? TestOctokit,
  });
}

/** A running webhook endpoint. */
export interface WebhookServer {
  /** Full URL of the webhook path, e.g. `http://127.0.0.1:PORT/api/github/webhooks`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves Probot's webhook middleware (signature verification included) on 127.0.0.1, port 0,
 * after loading `appFn` into `probot`.
 */
export async function startWebhookServer(probot: Probot, appFn: ApplicationFunction = () => undefined, path = "/api/github/webhooks"): Promise<WebhookServer> {
  const middleware = await createNodeMiddleware(appFn, { probot, webhooksPath: path });
  const server = createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404, { "content-type": "application/json" }).end('{"message":"Not Found"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
