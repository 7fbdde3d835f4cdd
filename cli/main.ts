/** The `ferry` command line: one explicit map of sub-commands. */
import { bootstrap } from "./commands/bootstrap.js";
import { diff } from "./commands/diff.js";
import { drift } from "./commands/drift.js";
import { history } from "./commands/history.js";
import { publish } from "./commands/publish.js";
import { reconcile } from "./commands/reconcile.js";
import { mcp } from "./commands/mcp.js";
import { render } from "./commands/render.js";
import { schema } from "./commands/schema.js";
import { status } from "./commands/status.js";
import { validate } from "./commands/validate.js";
import type { CliIo, Command } from "./io.js";
import { EXIT, UsageError, processIo } from "./io.js";

export const COMMANDS: Readonly<Record<string, Command>> = {
  render,
  validate,
  diff,
  publish,
  bootstrap,
  history,
  status,
  drift,
  reconcile,
  schema,
  mcp,
};

function usage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return `ferry: GitOps for Kubernetes components

Usage: ferry <command> [options]   (ferry <command> --help for details and examples)

Commands:
${names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]?.summary ?? ""}`).join("\n")}

Exit codes: 0 success; 1 input errors, policy errors, differences (diff), drift (drift) or failures; 2 bad usage.

Examples:
  ferry render examples/apps --platform examples/platform --out rendered
  ferry validate . --platform ../platform --env prod
  ferry schema Component
`;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(`ferry: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`ferry ${name}: ${e.message}\n(see ferry ${name} --help)\n`);
      return EXIT.usage;
    }
    io.stderr(`ferry ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failed;
  }
}
