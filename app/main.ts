/**
 * `npm start`: runs the app with Probot's server. Without `APP_ID` and a private key Probot
 * starts its setup flow, which registers a new GitHub App from `app.yml` and writes the
 * credentials to `.env`; restart afterwards.
 */
import { run } from "probot";
import { ConfigError } from "./config.js";
import { createFerryApp } from "./index.js";
import { createFerryOctokit } from "./octokit.js";

try {
  await run(createFerryApp(), { Octokit: createFerryOctokit() });
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
}
