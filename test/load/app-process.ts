/**
 * The Ferry app as a real process: `app/main.ts` run with tsx (what `npm start` runs), configured
 * through its environment variables only, its JSON log lines kept in memory. Used by the restart
 * scenario and the load run, which kill it with SIGKILL and start it again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** A free loopback port (briefly bound, then released). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** One JSON log line of the app (pino). */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A running app process. */
export interface AppProcess {
  readonly name: string;
  readonly port: number;
  /** The webhook endpoint. */
  readonly webhookUrl: string;
  readonly child: ChildProcess;
  /** Log lines so far (JSON lines parsed; other output kept as `msg`). */
  readonly lines: LogLine[];
  /** Resolves with the exit code or signal once the process is gone. */
  readonly exited: Promise<string>;
  /** Whether the process still runs. */
  alive(): boolean;
  /** Resolves once a log line matches (rejects when the process exits first or after `timeoutMs`). */
  waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** SIGKILL: no shutdown hook runs. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** The last `n` lines, for a failure message. */
  tail(n?: number): string;
}

/** Starts app/main.ts with `env` (plus PATH, HOME, PORT, HOST) and waits until `/healthz` answers. */
export async function startAppProcess(name: string, env: Readonly<Record<string, string>>, opts: { readonly port?: number } = {}): Promise<AppProcess> {
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "app/main.ts")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: tmpdir(),
      NO_SMEE_SETUP: "true",
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_FORMAT: "json",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  const waiters = new Set<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }>();
  const push = (line: LogLine) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.match(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
    }
  };
  const reader = () => {
    let rest = "";
    return (chunk: Buffer) => {
      rest += chunk.toString();
      const parts = rest.split("\n");
      rest = parts.pop() ?? "";
      for (const text of parts) {
        if (text.trim() === "") continue;
        try {
          push(JSON.parse(text) as LogLine);
        } catch {
          push({ level: 30, msg: text });
        }
      }
    };
  };
  child.stdout?.on("data", reader());
  child.stderr?.on("data", reader());
  const exited = new Promise<string>((r) => child.on("exit", (code, signal) => r(signal ?? String(code))));
  const tail = (n = 40) =>
    lines
      .slice(-n)
      .map((l) => JSON.stringify(l))
      .join("\n");
  const proc: AppProcess = {
    name,
    port,
    webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
    child,
    lines,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    waitForLog(match, what, timeoutMs = 60_000) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<LogLine>((resolvePromise, reject) => {
        const waiter = {
          match,
          resolve: (l: LogLine) => {
            clearTimeout(timer);
            resolvePromise(l);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${name}: timed out waiting for ${what}; last lines:\n${tail()}`));
        }, timeoutMs);
        waiters.add(waiter);
        void exited.then((how) => {
          if (!waiters.delete(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`${name} exited (${how}) before ${what}; last lines:\n${tail()}`));
        });
      });
    },
    async kill() {
      if (proc.alive()) child.kill("SIGKILL");
      await exited;
    },
    async stop(graceMs = 5_000) {
      if (!proc.alive()) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
    tail,
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!proc.alive()) throw new Error(`${name} exited (${await exited}) while starting; output:\n${tail()}`);
    const up = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (up) return proc;
    if (Date.now() > deadline) {
      await proc.kill();
      throw new Error(`${name} did not answer /healthz within 60 s; output:\n${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A reconcile pass finished (its summary line). */
export const reconcileDone = (line: LogLine): boolean => line.msg === "reconcile pass done";
