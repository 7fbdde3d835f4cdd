/** `npm start` (app/main.ts) as a real process: the setup flow without credentials, clear config errors. */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const children: ChildProcess[] = [];
const temps: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGTERM");
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let out = "";
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "app/main.ts")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir(), NODE_ENV: "test", NO_SMEE_SETUP: "true", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, output: () => out, exited };
}

async function waitFor<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("app/main.ts", () => {
  it("without APP_ID and a key, serves Probot's setup flow with the manifest from app.yml", async () => {
    const port = await freePort();
    const proc = start({ PORT: String(port) });
    const page = await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/probot`);
      return res.ok ? res.text() : undefined;
    }, `the setup page (output: ${proc.output()})`);
    const manifest = JSON.parse(/name="manifest" id="manifest" value='([^']*)'/.exec(page)?.[1] ?? "{}") as {
      name?: string;
      default_events?: string[];
      default_permissions?: Record<string, string>;
      redirect_url?: string;
    };
    expect(manifest.name).toBe("Ferry");
    expect(manifest.default_events).toEqual(["push", "pull_request", "check_run", "workflow_run", "issue_comment", "pull_request_review"]);
    expect(manifest.default_permissions).toEqual({
      contents: "write",
      checks: "write",
      pull_requests: "write",
      issues: "write",
      deployments: "write",
      metadata: "read",
      statuses: "read",
      actions: "read",
      members: "read",
    });
    expect(manifest.redirect_url).toBe(`http://127.0.0.1:${port}/probot/setup`);
  });

  it("with credentials but no webhook secret or platform repo, exits naming the variables", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ferry-main-"));
    temps.push(dir);
    const key = join(dir, "app.pem");
    await writeFile(key, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString());
    const proc = start({ PORT: String(await freePort()), APP_ID: "42", PRIVATE_KEY_PATH: key });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/WEBHOOK_SECRET: is required/);
    expect(proc.output()).toMatch(/FERRY_PLATFORM_REPO: is required/);
  });
});
