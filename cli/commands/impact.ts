import { describeChange, describeConsumer } from "../../core/impact.js";
import { impactWorkspace } from "../../operations/impact.js";
import { parse, required } from "../args.js";
import type { CliIo, Command } from "../io.js";
import { EXIT } from "../io.js";
import { printDiagnostics } from "../output.js";

const OPTIONS = {
  platform: { type: "string", short: "p" },
  against: { type: "string" },
  repo: { type: "string" },
  json: { type: "boolean" },
} as const;

export const impact: Command = {
  help: `ferry impact [APP_DIR...] --platform DIR --against DIR [--repo OWNER/NAME] [--json]

Shows what a change does to the components consuming its endpoints: every endpoint it removes,
renames, retypes, moves to another port or hides by visibility, and who still consumes it.

--against DIR names the apps before the change, laid out like APP_DIR (an app checkout, or a
directory with apps up to two levels below; each app's repository from its git origin, else its
last two path segments). After the change is --against with each repository the APP_DIRs hold
replaced by that checkout. Exit 1 when the change removes, renames or hides an endpoint that a
component of another repository consumes (or an input has errors).

Options:
  --platform, -p DIR   platform repository checkout (holds .ferry/platform.yaml)
  --against DIR        the apps before the change
  --repo OWNER/NAME    repository of the app (one APP_DIR only)
  --json               {"ok", "changes": [{"kind", "provider", "endpoint", "from", "to"}],
                        "affected": [{"consumer", "repo", "file", "line", "kind", "provider", "endpoint", "breaking"}]}

Examples:
  ferry impact . --platform ../platform --against ../main-checkout
  ferry impact work/payments --platform examples/platform --against examples/apps`,
  async run(argv: readonly string[], io: CliIo) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (values.help) {
      io.stdout(`${impact.help}\n`);
      return EXIT.ok;
    }
    const report = impactWorkspace({
      apps: [...positionals],
      platform: required(values.platform, "--platform"),
      against: required(values.against, "--against"),
      repo: values.repo,
    });
    const code = report.ok ? EXIT.ok : EXIT.failed;
    if (values.json) {
      const affected = report.impact.affected.map((a) => ({
        consumer: a.consumer,
        repo: a.repo ?? null,
        file: a.at.file ?? null,
        line: a.at.line,
        field: a.at.field,
        kind: a.change.kind,
        provider: a.change.provider,
        endpoint: a.change.endpoint,
        otherRepository: a.otherRepository,
        breaking: a.breaking,
      }));
      io.stdout(`${JSON.stringify({ ok: report.ok, changes: report.impact.changes, affected, diagnostics: report.diagnostics }, null, 2)}\n`);
      return code;
    }
    printDiagnostics(io, report.diagnostics);
    if (report.impact.changes.length === 0) {
      io.stdout("no endpoint changes\n");
      return code;
    }
    for (const change of report.impact.changes) {
      const consumers = report.impact.affected.filter((a) => a.change === change);
      io.stdout(`${describeChange(change)}: ${consumers.length === 0 ? "no consumers" : `${consumers.length} consumer(s)`}\n`);
      for (const a of consumers) io.stdout(`  ${a.breaking ? "error" : a.otherRepository ? "other repository" : "same repository"}: ${describeConsumer(a)}\n`);
    }
    return code;
  },
};
