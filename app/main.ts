/**
 * `npm start`: runs the app with Probot's server. Without `APP_ID` and a private key Probot
 * starts its setup flow, which registers a new GitHub App from `app.yml` and writes the
 * credentials to `.env`; restart afterwards. The gates of open promotion pull requests are
 * re-evaluated every five minutes (soak times and change windows open without an event).
 * SIGTERM or SIGINT finishes the queued work, then stops the timer and the cluster watches
 * before the process exits. Besides the webhook endpoint the server answers `/healthz`, `/readyz`
 * and `/metrics` (app/endpoints.ts); the metrics count every GitHub request of the app's Octokit.
 */
import { run } from "probot";
import { ConfigError, githubWriteInterval } from "./config.js";
import { createFerryApp } from "./index.js";
import { createFerryOctokit } from "./octokit.js";
import { FerryMetrics } from "./metrics.js";
import { intervalScheduler } from "./scheduler.js";
import { onSignals, Shutdown } from "./shutdown.js";

/** How often the gates of open promotion pull requests are evaluated without an event. */
const GATES_INTERVAL_MS = 5 * 60_000;

const shutdown = new Shutdown();
const metrics = new FerryMetrics({ processMetrics: true });
onSignals(shutdown, (code) => process.exit(code));
try {
  await run(createFerryApp({ scheduler: intervalScheduler(GATES_INTERVAL_MS), shutdown, metrics }), {
    Octokit: createFerryOctokit({ observe: (response) => metrics.githubResponse(response), writeIntervalMs: githubWriteInterval() }),
  });
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
}
