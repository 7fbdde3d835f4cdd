/**
 * No secret reaches a log: the app as a real process (`app/main.ts`, the logger production runs
 * with) at LOG_LEVEL=trace in JSON, driven through each of its HTTP surfaces: a signed webhook
 * delivery, an MCP call with a person's bearer token, a portal sign-in through the OAuth callback
 * (code and state in its URL, the state cookie), and a portal page with the session cookie. Its
 * whole output holds none of the tokens, cookies, code or state, while the request lines are
 * still there with those values written as `[Redacted]`.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { ROOT, startAppProcess, type AppProcess, type LogLine } from "../../load/app-process.js";
import { waitUntil } from "../../load/wait.js";
import { SECRET, DEV_PLATFORM, SHOP_API, startDevWorld, type World } from "../../load/world.js";
import { signIn } from "../../support/signin.js";
import { deliver, payload } from "../../support/webhooks.js";
import { once } from "node:events";
import { redactUrl } from "../../../app/log.js";

const APP_REPO = SHOP_API;
const CLIENT = { clientId: "Iv1.log-test", clientSecret: "log-test-client-secret-0123456789" };
const SESSION_SECRET = "log-test-session-secret-0123456789abcdef";

let world: World;
let app: AppProcess;
let dir: string;

beforeAll(async () => {
  world = await startDevWorld();
  world.fake.oauth.addClient(CLIENT);
  world.fake.user("alice");
  world.fake.setPermission(APP_REPO, "alice", "write");
  dir = await mkdtemp(join(tmpdir(), "ferry-log-"));
  await mkdir(join(dir, "platform", ".ferry"), { recursive: true });
  await writeFile(join(dir, "platform", ".ferry", "platform.yaml"), DEV_PLATFORM);
  app = await startAppProcess(
    "app",
    world.appEnv({
      LOG_LEVEL: "trace",
      LOG_FORMAT: "json",
      FERRY_RECONCILE_INTERVAL: "0",
      GITHUB_CLIENT_ID: CLIENT.clientId,
      GITHUB_CLIENT_SECRET: CLIENT.clientSecret,
      FERRY_SESSION_SECRET: SESSION_SECRET,
      FERRY_MCP_PLATFORM: join(dir, "platform"),
    }),
  );
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await world?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The request line pino-http wrote for a request whose URL starts with `url` and answered `status`. */
function requestLine(url: string, status: number): Promise<LogLine> {
  return app.waitForLog((l) => {
    const req = l.req as { url?: string } | undefined;
    const res = l.res as { statusCode?: number } | undefined;
    return req?.url?.startsWith(url) === true && res?.statusCode === status;
  }, `the request line of ${url} (${status})`);
}

const headersOf = (line: LogLine) => (line.req as { headers: Record<string, string> }).headers;

describe("the app's logs at LOG_LEVEL=trace", () => {
  it("hold no token, cookie, OAuth code or state, and still log every request", async () => {
    // A webhook delivery (signed with the webhook secret).
    const before = (await world.fake.branchSha(APP_REPO))!;
    const sha = await world.fake.commit(APP_REPO, { files: { "CHANGELOG.md": "one\n" }, message: "change" });
    const push = payload("push", undefined, {
      repo: APP_REPO,
      sha,
      before,
      branch: "main",
      installationId: world.installationId,
      files: { added: ["CHANGELOG.md"] },
    });
    expect((await deliver(app.webhookUrl, "push", push, { secret: SECRET })).status).toBe(200);
    const webhook = await requestLine("/api/github/webhooks", 200);
    expect(webhook.msg).toMatch(/^POST \/api\/github\/webhooks 200/);

    // An MCP call with a person's GitHub token.
    const mcpToken = world.fake.issueUserToken("alice");
    const mcp = await fetch(`http://127.0.0.1:${app.port}/mcp`, {
      method: "POST",
      headers: { authorization: `Bearer ${mcpToken}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "log-test", version: "1" } },
      }),
    });
    expect(mcp.status).toBe(200);
    const mcpLine = await requestLine("/mcp", 200);
    expect(headersOf(mcpLine).authorization).toBe("[Redacted]");

    // A portal sign-in through the OAuth callback, then a page with the session cookie.
    const signedIn = await signIn(`http://127.0.0.1:${app.port}`, world.fake, "alice");
    expect(signedIn.callbackPath).toMatch(/\?code=\w+&state=\S+/);
    const callbackLine = await requestLine("/ferry/callback", 303);
    expect((callbackLine.req as { url: string }).url).toBe(redactUrl(signedIn.callbackPath));
    expect((callbackLine.req as { url: string }).url).toBe("/ferry/callback?code=[Redacted]&state=[Redacted]");
    expect(callbackLine.msg).toMatch(/^GET \/ferry\/callback\?code=\[Redacted\]&state=\[Redacted\] 303/);
    expect(headersOf(callbackLine).cookie).toBe("[Redacted]");
    const page = await fetch(`http://127.0.0.1:${app.port}/ferry/`, { headers: { cookie: signedIn.sessionCookie }, redirect: "manual" });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("alice");
    const pageLine = await requestLine("/ferry/", 200);
    expect(headersOf(pageLine).cookie).toBe("[Redacted]");

    await app.stop();
    const output = app.lines.map((l) => JSON.stringify(l)).join("\n");
    expect(app.lines.filter((l) => l.level < 30).length, "debug and trace lines were written").toBeGreaterThan(0);
    const secrets: Record<string, string> = {
      "the MCP caller's token": mcpToken,
      "the portal's session cookie": signedIn.session,
      "the OAuth state cookie": signedIn.stateCookie,
      "the OAuth code": signedIn.code,
      "the OAuth state": signedIn.state,
      "the webhook secret": SECRET,
      "the OAuth client secret": CLIENT.clientSecret,
      "the session secret": SESSION_SECRET,
    };
    for (const [i, token] of [...world.fake.state.userTokens.keys()].entries()) secrets[`person token ${i}`] = token;
    for (const [i, token] of [...world.fake.state.tokens.keys()].entries()) secrets[`installation token ${i}`] = token;
    expect(Object.keys(secrets).length).toBeGreaterThan(9);
    for (const [what, value] of Object.entries(secrets)) {
      expect(value.length, what).toBeGreaterThan(8);
      expect(output.includes(value), `${what} is in the log`).toBe(false);
    }
  }, 120_000);
});

describe("ferry mcp --http (dist/, built by npm run build)", () => {
  it("writes nothing of its callers' tokens at LOG_LEVEL=trace", async () => {
    const token = world.fake.issueUserToken("alice");
    const child = spawn(process.execPath, [join(ROOT, "bin/ferry.js"), "mcp", "--http", "--port", "0", "--platform", join(dir, "platform")], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, LOG_LEVEL: "trace", GITHUB_API_URL: world.fake.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const exited = once(child, "exit");
    try {
      const url = await waitUntil("ferry mcp listening", async () => /listening on (\S+)/.exec(output)?.[1], 30_000);
      for (const [authorization, status] of [
        [`Bearer ${token}`, 200],
        ["Bearer ghu_rejectedbyfakegithub0123456789", 401],
      ] as const) {
        const res = await fetch(url, {
          method: "POST",
          headers: { authorization, "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "initialize",
            params: { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "t", version: "1" } },
          }),
        });
        expect(res.status, authorization.slice(0, 12)).toBe(status);
        await res.text();
      }
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
    expect(output).toContain("ferry mcp: listening on");
    expect(output).not.toContain(token);
    expect(output).not.toContain("ghu_rejectedbyfakegithub0123456789");
  }, 60_000);
});
