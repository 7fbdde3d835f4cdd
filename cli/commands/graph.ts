import { formatGraph, GRAPH_FORMATS, GraphFormat, graphWorkspace } from "../../operations/graph.js";
import { parse, required } from "../args.js";
import type { CliIo, Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { printDiagnostics } from "../output.js";

const OPTIONS = {
  platform: { type: "string", short: "p" },
  repo: { type: "string" },
  format: { type: "string", short: "f" },
} as const;

export const graph: Command = {
  help: `ferry graph [APP_DIR...] --platform DIR [--format mermaid|dot|json] [--repo OWNER/NAME]

Prints the dependency graph of every component the app checkouts declare, across projects and
repositories: components as nodes (<project>/<component>, with type, repository and file),
dependencies as edges with the endpoint they use (and its type and port). Dependency cycles are
warnings on stderr, each naming the cycle. Exit 1 when an input has errors.

Options:
  --platform, -p DIR   platform repository checkout (holds .ferry/platform.yaml)
  --format, -f FORMAT  mermaid (default), dot (Graphviz) or json:
                       {"nodes": [{"id", "project", "component", "type", "repo", "file"}],
                        "edges": [{"from", "to", "endpoint", "endpointType", "port"}], "cycles": [[...]]}
  --repo OWNER/NAME    repository of the app (one APP_DIR only); default: its git origin, else
                       its last two path segments

Examples:
  ferry graph examples/apps --platform examples/platform
  ferry graph examples/apps --platform examples/platform --format dot | dot -Tsvg > graph.svg`,
  async run(argv: readonly string[], io: CliIo) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (values.help) {
      io.stdout(`${graph.help}\n`);
      return EXIT.ok;
    }
    const format = GraphFormat.safeParse(values.format ?? "mermaid");
    if (!format.success) throw new UsageError(`--format must be one of ${GRAPH_FORMATS.join(", ")}`);
    const report = graphWorkspace({ apps: [...positionals], platform: required(values.platform, "--platform"), repo: values.repo });
    printDiagnostics(io, report.diagnostics);
    for (const w of report.warnings) io.stderr(`warning: ${w}\n`);
    io.stdout(formatGraph(report.graph, format.data));
    return report.ok ? EXIT.ok : EXIT.failed;
  },
};
