/**
 * `npm start`: runs the app with Probot's server. Without `APP_ID` and a private key Probot
 * starts its setup flow, which registers a new GitHub App from `app.yml` and writes the
 * credentials to `.env`; restart afterwards. The gates of open promotion pull requests are
 * re-evaluated every five minutes (soak times and change windows open without an event).
 * SIGTERM or SIGINT finishes the queued work, then stops the timer and the cluster watches
 * before the process exits. Besides the webhook endpoint the server answers `/healthz`, `/readyz`
 * and `/metrics` (app/endpoints.ts); the metrics count every GitHub request of the app's Octokit.
 * With FERRY_MCP_PLATFORM it also serves the MCP server at `/mcp` (mcp/http.ts: every request
 * with its caller's GitHub token); this entry point is the one place the app meets mcp/.
 * Probot logs with Ferry's logger (app/log.ts): no token, cookie or OAuth code reaches a log line.
 */
import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { run } from "probot";
import type { mcpHttpHandler } from "../mcp/http.js";
import { ConfigError, githubWriteInterval, loadConfig } from "./config.js";
import { createFerryApp } from "./index.js";
import { ferryLog } from "./log.js";
import { createFerryOctokit } from "./octokit.js";
import { FerryMetrics } from "./metrics.js";
import { intervalScheduler } from "./scheduler.js";
import { onSignals, Shutdown } from "./shutdown.js";

/** How often the gates of open promotion pull requests are evaluated without an event. */
const GATES_INTERVAL_MS = 5 * 60_000;

/** `.env` into the environment, as Probot's `run` does, so the logger and the configuration read below see it too. */
function applyDotEnv(): void {
  try {
    Object.assign(process.env, parseEnv(readFileSync(".env", "utf8")));
  } catch (e) {
    if ((e as { code?: unknown }).code !== "ENOENT") throw e;
  }
}

applyDotEnv();
const shutdown = new Shutdown();
const metrics = new FerryMetrics({ processMetrics: true });
onSignals(shutdown, (code) => process.exit(code));
/**
 * The MCP server at /mcp when FERRY_MCP_PLATFORM names a platform checkout (tokens checked at the
 * app's GitHub). mcp/ and the MCP SDK are loaded only then: an app that serves no MCP does not
 * carry them (about 8 MiB of RSS).
 */
async function mcpEndpoint(): Promise<ReturnType<typeof mcpHttpHandler> | undefined> {
  let config;
  try {
    config = loadConfig();
  } catch {
    return undefined; // Probot's setup flow, or a configuration error createFerryApp reports.
  }
  if (!config.mcp) return undefined;
  const { mcpHttpHandler, mcpTokenTtlMs } = await import("../mcp/http.js");
  let ttlMs: number;
  try {
    ttlMs = mcpTokenTtlMs(process.env);
  } catch (e) {
    throw new ConfigError([e instanceof Error ? e.message : String(e)]);
  }
  // The platform's GitOps repositories are cloned from the app's own GitHub (GHE_HOST), the only host the caller's token is sent to.
  const server = config.baseUrl === "https://api.github.com" ? "https://github.com" : config.baseUrl.replace(/\/api\/v3$/, "");
  return mcpHttpHandler({
    defaults: { apps: config.mcp.apps, platform: config.mcp.platform },
    // Ferry's own check runs are told from other apps' by the app's id, as the app itself does.
    variables: { ...process.env, GITHUB_API_URL: config.baseUrl, GITHUB_SERVER_URL: server, FERRY_APP_ID: String(config.appId) },
    allowWrites: config.mcp.allowWrites,
    ttlMs,
  });
}

try {
  const mcp = await mcpEndpoint();
  await run(createFerryApp({ scheduler: intervalScheduler(GATES_INTERVAL_MS), shutdown, metrics, ...(mcp ? { mcp } : {}) }), {
    Octokit: createFerryOctokit({
      observe: (response) => metrics.githubResponse(response),
      writeIntervalMs: githubWriteInterval(),
      ...(Number(process.env.APP_ID) > 0 ? { appId: Number(process.env.APP_ID) } : {}),
    }),
    log: await ferryLog(),
  });
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
}
