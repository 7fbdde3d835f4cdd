/**
 * `ferry promote` and `ferry rollback`: open (or update) the promotion or rollback pull request
 * as the person whose token is given, exactly as `/ferry promote|rollback` does, refusing what it
 * refuses (operations/promotions.ts, through flows/promotion/requests.ts).
 */
import { RejectedToken } from "../../adapters/github/people.js";
import type { PersonAskResult } from "../../operations/promotions.js";
import { askAsPerson, askBundleAsPerson, ComponentName } from "../../operations/promotions.js";
import { parse } from "../args.js";
import { GITHUB_OPTIONS, GITHUB_OPTIONS_HELP, githubAccess } from "../github-access.js";
import type { CliIo, Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";

/** One line saying what became of the request. */
export function formatAskResult(r: PersonAskResult): string {
  const what = r.verb === "promote" ? `promote ${r.component} to ${r.env}` : `roll back ${r.component} in ${r.env}`;
  if (r.status === "refused") return `Ferry did not ${what}: ${r.reason ?? "refused"}\nNothing was changed.\n`;
  if (r.status === "in-place") return `Nothing to do: ${r.reason ?? ""}\n`;
  if (r.status === "waiting" || r.status === "stopped") return `Ferry did not ${what} yet: ${r.reason ?? r.status}\nNothing was changed.\n`;
  const pull = r.pull ? `${r.pull.url}` : "";
  const how =
    r.status === "opened"
      ? `opened ${pull} with release ${r.release}`
      : r.status === "updated"
        ? `updated ${pull} from release ${r.previous ?? "(unknown)"} to ${r.release}`
        : `${pull} already carries release ${r.release}${r.status === "refreshed" ? " (brought up to date)" : ""}`;
  return `${what} as @${r.person}: ${how}\ngates: ${r.gates ?? "not evaluated"}\n`;
}

function personCommand(verb: "promote" | "rollback", envFlag: "to" | "env", help: string): Command {
  const command: Command = {
    help,
    async run(argv: readonly string[], io: CliIo) {
      const { values, positionals } = parse(argv, {
        to: { type: "string" },
        env: { type: "string" },
        release: { type: "string" },
        ...(verb === "promote" ? { "break-glass": { type: "string" as const } } : {}),
        ...(verb === "rollback" ? { bundle: { type: "string" as const } } : {}),
        json: { type: "boolean" },
        ...GITHUB_OPTIONS,
      });
      if (values.help) {
        io.stdout(`${command.help}\n`);
        return EXIT.ok;
      }
      const problems: string[] = [];
      const component = positionals[0];
      const bundle = (values as { bundle?: string }).bundle;
      if (bundle !== undefined && component) problems.push(`ferry ${verb} takes PROJECT/COMPONENT or --bundle NAME, not both`);
      if (bundle !== undefined && values.release !== undefined) problems.push("a bundle rolls back as a set: --release does not apply to --bundle");
      if (!component && bundle === undefined) problems.push(`ferry ${verb} needs PROJECT/COMPONENT${verb === "rollback" ? " or --bundle NAME" : ""}`);
      else if (!ComponentName.safeParse(component).success) problems.push(`PROJECT/COMPONENT must be two DNS labels, got ${JSON.stringify(component)}`);
      if (positionals.length > 1) problems.push(`unexpected argument ${JSON.stringify(positionals[1])}`);
      const other = envFlag === "to" ? "env" : "to";
      if (values[other] !== undefined) problems.push(`ferry ${verb} takes --${envFlag} ENV, not --${other}`);
      const env = values[envFlag];
      if (!env) problems.push(`--${envFlag} ENV is required`);
      const access = githubAccess(values, io, problems);
      if (problems.length > 0 || !access) throw new UsageError(problems.join("\n"));
      const release = values.release;
      const breakGlass = (values as { "break-glass"?: string })["break-glass"];
      let result: PersonAskResult;
      try {
        const platform = { platformRepo: access.platformRepo, cacheDir: access.cacheDir, ...(access.appId === undefined ? {} : { appId: access.appId }) };
        result =
          bundle !== undefined
            ? await askBundleAsPerson(access.octokit, { verb: "rollback", bundle, env: env! }, platform)
            : await askAsPerson(
                access.octokit,
                { verb, component: component!, env: env!, ...(release ? { release } : {}), ...(breakGlass !== undefined ? { breakGlass } : {}) },
                platform,
              );
      } catch (e) {
        if (e instanceof RejectedToken) {
          io.stderr(`ferry ${verb}: ${e.message}\n`);
          return EXIT.failed;
        }
        throw e;
      }
      if (values.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else (result.status === "refused" ? io.stderr : io.stdout)(formatAskResult(result));
      return result.status === "refused" ? EXIT.failed : EXIT.ok;
    },
  };
  return command;
}

export const promote = personCommand(
  "promote",
  "to",
  `ferry promote PROJECT/COMPONENT --to ENV [--release ID] [--break-glass "WHY"] [--platform-repo OWNER/NAME] [--json]

Opens (or updates) the promotion pull request of the component into ENV in its GitOps
repository, as you: the person of GITHUB_TOKEN. It is the pull request \`/ferry promote ENV
[ID]\` opens (same branch, title, body and files) and is refused for the same reasons: your
role on the component's app repository must reach ENV's commandPermission (default write),
and the release must come from the environment before ENV in the pipeline (default: the
release that environment runs). Ferry's app evaluates the gates; you cannot approve it.

Exit codes: 0 the pull request is open (or ENV runs the release already); 1 refused, or
GitHub could not be read; 2 bad usage.

Options:
  --to ENV               the environment to promote into (required)
  --release ID           the release to promote (default: what the previous environment runs)
  --break-glass WHY      let it through a freeze of ENV (you need maintain on the app repository);
                         the commit that lands it carries Ferry-Break-Glass: <you>: WHY
${GITHUB_OPTIONS_HELP}
  --json                 machine-readable output

Examples:
  GITHUB_TOKEN=ghp_... ferry promote shop/api --to staging --platform-repo acme/platform
  ferry promote shop/api --to prod --break-glass "payments down: hotfix 1.4.2"
  ferry promote shop/api --to prod --release 3f2a9c1b7e4d --json`,
);

export const rollback = personCommand(
  "rollback",
  "env",
  `ferry rollback PROJECT/COMPONENT --env ENV [--release ID] [--platform-repo OWNER/NAME] [--json]
ferry rollback --bundle NAME --env ENV [--platform-repo OWNER/NAME] [--json]

Opens (or updates) the pull request that puts an earlier release of the component back in ENV,
as you: the person of GITHUB_TOKEN. It is the pull request \`/ferry rollback ENV [ID]\` opens
(same branch, title, body and files) and is refused for the same reasons: your role on the
component's app repository must reach ENV's commandPermission (default write), and ENV must
have run the release before. A component of a bundle (docs/bundles.md) rolls back with its
bundle from the bundle's \`from\` on; --bundle NAME rolls the bundle back as one pull request,
every component to the release it ran before (your role must reach it on every app repository).

Exit codes: 0 the pull request is open; 1 refused, or GitHub could not be read; 2 bad usage.

Options:
  --env ENV              the environment to roll back (required)
  --release ID           the release to put back (default: the one ENV ran before its current one)
  --bundle NAME          roll back this bundle's components together, instead of one component
${GITHUB_OPTIONS_HELP}
  --json                 machine-readable output

Examples:
  GITHUB_TOKEN=ghp_... ferry rollback shop/api --env prod --platform-repo acme/platform
  ferry rollback shop/api --env dev --release 3f2a9c1b7e4d --json`,
);
