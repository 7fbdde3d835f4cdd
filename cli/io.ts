/** What a CLI command may touch, passed in so tests run commands in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
};

/** Exit codes shared by every command (documented in `ferry --help`). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export { UsageError } from "../operations/errors.js";

/** A `ferry` sub-command (its one-line summary lives in the registry, cli/main.ts). */
export interface Command {
  /** Full help: usage line, options, examples. */
  readonly help: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}
