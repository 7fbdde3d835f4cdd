/**
 * The `ferry` command line: one explicit map of sub-commands. Each command's module is imported
 * only when that command runs, so `ferry --help` and light commands such as `ferry schema` start
 * without loading Probot, the Kubernetes client or cdk8s.
 */
import type { CliIo, Command } from "./io.js";
import { EXIT, UsageError, processIo } from "./io.js";

/** A sub-command as the registry knows it: its summary for `ferry --help`, and how to load it. */
export interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  render: { summary: "render components into per-environment manifests", load: async () => (await import("./commands/render.js")).render },
  validate: { summary: "check components and policies without writing anything", load: async () => (await import("./commands/validate.js")).validate },
  diff: {
    summary: "show what changes between two rendered trees, or between a render and a directory",
    load: async () => (await import("./commands/diff.js")).diff,
  },
  publish: {
    summary: "render apps and commit the result for one environment to its GitOps repository",
    load: async () => (await import("./commands/publish.js")).publish,
  },
  bootstrap: {
    summary: "print the Argo CD ApplicationSet or Flux objects that apply each environment's path",
    load: async () => (await import("./commands/bootstrap.js")).bootstrap,
  },
  catalog: {
    summary: "write the Backstage catalog (System, Component, API entities) of the apps' components",
    load: async () => (await import("./commands/catalog.js")).catalog,
  },
  history: {
    summary: "show which release each environment ran, and when, from the GitOps commits",
    load: async () => (await import("./commands/history.js")).history,
  },
  dora: {
    summary:
      "show an environment's DORA figures (deployment frequency, lead time, change failure rate, time to restore) from the GitOps history and deployments",
    load: async () => (await import("./commands/dora.js")).dora,
  },
  preview: {
    summary: "list the preview environments of app pull requests, or remove one",
    load: async () => (await import("./commands/preview.js")).preview,
  },
  signals: {
    summary: "show a component's golden signals in an environment from Prometheus, judged against the pipeline's verify bounds",
    load: async () => (await import("./commands/signals.js")).signals,
  },
  diagnose: {
    summary: "rank the likely causes of a component's trouble in an environment, with the evidence (signals, pods, events, logs, dependencies)",
    load: async () => (await import("./commands/diagnose.js")).diagnose,
  },
  status: {
    summary: "show what the clusters run: health, release and diagnosis per component",
    load: async () => (await import("./commands/status.js")).status,
  },
  drift: {
    summary: "show drift: releases and manifests that differ between environments, and clusters that differ from git",
    load: async () => (await import("./commands/drift.js")).drift,
  },
  cost: {
    summary: "estimate each component's monthly cost per environment; with --usage, suggest requests from observed usage",
    load: async () => (await import("./commands/cost.js")).cost,
  },
  graph: {
    summary: "print the dependency graph of the components across projects (mermaid, dot or json)",
    load: async () => (await import("./commands/graph.js")).graph,
  },
  impact: {
    summary: "show which consumers a change of endpoints reaches (removed, renamed, retyped, moved, hidden)",
    load: async () => (await import("./commands/impact.js")).impact,
  },
  promote: {
    summary: "open the promotion pull request of a component into an environment, as the person of GITHUB_TOKEN",
    load: async () => (await import("./commands/promote.js")).promote,
  },
  rollback: {
    summary: "open the pull request that puts an earlier release back in an environment, as the person of GITHUB_TOKEN",
    load: async () => (await import("./commands/promote.js")).rollback,
  },
  promotions: {
    summary: "list the open promotion pull requests and each gate's state",
    load: async () => (await import("./commands/promotions.js")).promotions,
  },
  reconcile: { summary: "show what the app's reconcile pass would repair (--dry-run)", load: async () => (await import("./commands/reconcile.js")).reconcile },
  schema: { summary: "print the JSON Schema of a file kind", load: async () => (await import("./commands/schema.js")).schema },
  mcp: {
    summary: "serve Ferry's tools to AI agents over the Model Context Protocol (stdio or HTTP)",
    load: async () => (await import("./commands/mcp.js")).mcp,
  },
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
  const entry = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.stderr(`ferry: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    const command = await entry.load();
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
