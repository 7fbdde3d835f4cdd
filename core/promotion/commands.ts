/**
 * `/ferry ...` commands in pull request comments, and who may give them. Pure.
 *
 * A comment addresses Ferry when one of its lines (outside fenced code blocks and block quotes)
 * starts with the word `/ferry`; the first such line is the command and the rest of the comment
 * is free text. A comment without such a line is not for Ferry (`{ kind: "none" }`) and must be
 * ignored; a `/ferry` line Ferry cannot read is an error whose message lists the commands.
 */
import { z } from "zod";
import { DnsLabel, Permission } from "../../renderers/model/index.js";
import type { Environment } from "../../renderers/model/index.js";
import { ReleaseId } from "../../renderers/release.js";
import { BREAK_GLASS_PERMISSION, breakGlassReasonProblem } from "./freezes.js";

/** The verbs Ferry understands, with their usage and what they do (the help text). */
export const COMMANDS = [
  {
    verb: "promote",
    usage: '/ferry promote <env> [release] [--break-glass "why"]',
    help: 'open or update the promotion pull request to <env> (default: the release its source environment runs); `--break-glass "why"` lets it through a freeze of <env> (needs maintain on the app repository)',
  },
  {
    verb: "rollback",
    usage: "/ferry rollback <env> [release]",
    help: "put an earlier release back in <env> (default: the release <env> ran before the current one)",
  },
  { verb: "status", usage: "/ferry status", help: "show what every environment runs and the state of this pull request's gates" },
  { verb: "retry", usage: "/ferry retry", help: "run the last failed step of this pull request again" },
] as const;

export type CommandVerb = (typeof COMMANDS)[number]["verb"];

/** `promote` and `rollback`: a target environment and an optional release id. */
const Targeted = { env: DnsLabel, release: ReleaseId.optional() };

/** A command Ferry read from a comment. */
/** A break-glass reason: one line, at most 200 characters (core/promotion/freezes.ts). */
const BreakGlassReason = z
  .string()
  .superRefine((r, ctx) => {
    const problem = breakGlassReasonProblem(r);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((r) => r.trim());

export const Command = z.discriminatedUnion("verb", [
  z.strictObject({ verb: z.literal("promote"), ...Targeted, breakGlass: BreakGlassReason.optional() }),
  z.strictObject({ verb: z.literal("rollback"), ...Targeted }),
  z.strictObject({ verb: z.literal("status") }),
  z.strictObject({ verb: z.literal("retry") }),
]);
export type Command = z.infer<typeof Command>;

/** What a comment says to Ferry. */
export type ParsedComment =
  /** Not addressed to Ferry: no line starts with `/ferry`. Ignore the comment. */
  | { readonly kind: "none" }
  /** A valid command; `line` is the comment line it was read from. */
  | { readonly kind: "command"; readonly command: Command; readonly line: string }
  /** A `/ferry` line Ferry cannot read: every problem, and a reply that lists the commands. */
  | { readonly kind: "error"; readonly line: string; readonly errors: readonly string[]; readonly message: string };

/** Markdown list of the commands, for help and error replies. */
export function commandHelp(): string {
  return COMMANDS.map((c) => `- \`${c.usage}\`: ${c.help}`).join("\n");
}

const FENCE = /^(```|~~~)/;

/** The first line of `body` that starts with the word `/ferry`, outside code fences and quotes. */
export function findCommandLine(body: string): string | undefined {
  let fence: string | undefined;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const f = FENCE.exec(line);
    if (f) {
      if (fence === undefined) fence = f[1];
      else if (line.startsWith(fence)) fence = undefined;
      continue;
    }
    if (fence !== undefined || /^ {4}|^\t/.test(raw)) continue;
    const first = line.split(/\s+/)[0] ?? "";
    if (first.toLowerCase() === "/ferry") return line;
  }
  return undefined;
}

function failed(line: string, errors: string[]): ParsedComment {
  const list = errors.map((e) => `- ${e}`).join("\n");
  return {
    kind: "error",
    line,
    errors,
    message: `Ferry could not read \`${line}\`:\n${list}\n\nCommands:\n${commandHelp()}`,
  };
}

/** `env: "Prod" is not a DNS-1123 label ...` for each issue. */
function issueMessages(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message));
}

/** Closing quote of each opening quote a command line may use (GitHub's editor keeps straight ones; phones type curly ones). */
const QUOTES: Readonly<Record<string, string>> = { '"': '"', "'": "'", "\u201c": "\u201d" };

/**
 * The words of a command line, split at white space as a shell does: a "double-", 'single-' or
 * \u201ccurly-\u201d quoted run is part of one word (`--break-glass="why"` is one). Undefined when a
 * quote is not closed.
 */
export function commandWords(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const close = QUOTES[c];
    if (close !== undefined) {
      const end = line.indexOf(close, i + 1);
      if (end < 0) return undefined;
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

const BREAK_GLASS_FLAG = "--break-glass";

/** Reads the command of a comment body. */
export function parseCommand(body: string): ParsedComment {
  const line = findCommandLine(body);
  if (line === undefined) return { kind: "none" };
  const words = commandWords(line);
  if (words === undefined) return failed(line, ["a quote is not closed"]);
  const [, verbRaw, ...rest] = words;
  if (verbRaw === undefined) return failed(line, ["a command is missing after /ferry"]);
  const verb = verbRaw.toLowerCase();
  const spec = COMMANDS.find((c) => c.verb === verb);
  if (!spec) return failed(line, [`unknown command ${JSON.stringify(verbRaw)}`]);
  const errors: string[] = [];
  // `--break-glass "why"` (or `--break-glass="why"`), anywhere after the verb.
  let breakGlass: string | undefined;
  const args: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (word === BREAK_GLASS_FLAG || word.startsWith(`${BREAK_GLASS_FLAG}=`)) {
      const value = word === BREAK_GLASS_FLAG ? rest[++i] : word.slice(BREAK_GLASS_FLAG.length + 1);
      if (value === undefined) errors.push(`${BREAK_GLASS_FLAG} needs a reason: ${BREAK_GLASS_FLAG} "why"`);
      else breakGlass = value;
    } else args.push(word);
  }
  if (rest.includes(BREAK_GLASS_FLAG) || rest.some((w) => w.startsWith(`${BREAK_GLASS_FLAG}=`))) {
    if (spec.verb !== "promote") errors.push(`${BREAK_GLASS_FLAG} is for promote only (a freeze never holds a rollback)`);
  }
  let raw: Record<string, unknown>;
  if (spec.verb === "promote" || spec.verb === "rollback") {
    if (args.length === 0) return failed(line, [`${spec.verb} needs an environment: \`${spec.usage}\``]);
    if (args.length > 2) errors.push(`${spec.verb} takes at most an environment and a release: \`${spec.usage}\` (extra: ${args.slice(2).join(" ")})`);
    raw = {
      verb: spec.verb,
      env: args[0],
      ...(args[1] !== undefined ? { release: args[1] } : {}),
      ...(spec.verb === "promote" && breakGlass !== undefined ? { breakGlass } : {}),
    };
  } else {
    if (args.length > 0) errors.push(`${spec.verb} takes no arguments: \`${spec.usage}\` (extra: ${args.join(" ")})`);
    raw = { verb: spec.verb };
  }
  const parsed = Command.safeParse(raw);
  if (!parsed.success) errors.push(...issueMessages(parsed.error.issues));
  // `--break-glass payments down`: the words after the first one were read as a release.
  if (breakGlass !== undefined && args.length > 1 && !ReleaseId.safeParse(args[1]).success)
    errors.push(`quote a reason of several words: ${BREAK_GLASS_FLAG} "${[breakGlass, ...args.slice(1)].join(" ")}"`);
  if (errors.length > 0 || !parsed.success) return failed(line, errors);
  return { kind: "command", command: parsed.data, line };
}

/** What a user may do in a repository; `none` when they have no access. */
export const UserPermission = z.union([Permission, z.literal("none")]);
export type UserPermission = z.infer<typeof UserPermission>;

/** Ranks of GitHub repository roles, lowest first. */
export const PERMISSION_RANK: Readonly<Record<UserPermission, number>> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

/** Whether `have` is at least `need`. */
export function permits(have: UserPermission, need: Permission): boolean {
  return PERMISSION_RANK[have] >= PERMISSION_RANK[need];
}

/**
 * The person: their login and their role on the repository a command is judged on (the
 * component's app repository; for `/ferry retry`, the repository the comment is in). Pass
 * GitHub's `role_name` from "get repository permissions for a user" (`permission` there folds
 * maintain into write and triage into read); a custom role should be mapped to its base role.
 * `repo` names that repository in the reason when it is not the one the person is looking at
 * (a refusal never names a repository the person cannot read).
 */
export const Actor = z.strictObject({ login: z.string().min(1), permission: UserPermission, repo: z.string().min(1).optional() });
export type Actor = z.infer<typeof Actor>;

/** The outcome of a permission check; `required` is the role the command needed. */
export type Authorization =
  { readonly allowed: true; readonly required: Permission } | { readonly allowed: false; readonly required: Permission; readonly reason: string };

/** The role a command needs; breaking glass on a freeze needs maintain at least. */
export function requiredPermission(command: Command, env: Environment | undefined): Permission {
  if (command.verb === "status") return "read";
  const needed = env?.commandPermission ?? "write";
  if (command.verb === "promote" && command.breakGlass !== undefined && PERMISSION_RANK[needed] < PERMISSION_RANK[BREAK_GLASS_PERMISSION])
    return BREAK_GLASS_PERMISSION;
  return needed;
}

/**
 * Whether `actor` may give `command`. For `promote` and `rollback`, `env` is the environment the
 * command names (undefined when the platform has none by that name, which refuses the command);
 * for `retry` it is the environment of the pull request the comment is on, if any. `status`
 * needs read; everything else the environment's `commandPermission` (default write).
 */
export function authorize(command: Command, env: Environment | undefined, actor: Actor): Authorization {
  const required = requiredPermission(command, env);
  if ((command.verb === "promote" || command.verb === "rollback") && env?.name !== command.env) {
    return { allowed: false, required, reason: `there is no environment ${JSON.stringify(command.env)} in the platform` };
  }
  if (permits(actor.permission, required)) return { allowed: true, required };
  const what =
    command.verb === "promote" || command.verb === "rollback"
      ? `${command.verb} to ${command.env}${command.verb === "promote" && command.breakGlass !== undefined ? ` breaking glass on its freeze` : ""}`
      : env
        ? `${command.verb} in ${env.name}`
        : command.verb;
  const has =
    actor.permission === "none"
      ? actor.repo
        ? "has no access to the component's app repository"
        : "has no access to this repository"
      : `has ${actor.permission} permission${actor.repo ? ` on ${actor.repo}` : ""}`;
  return { allowed: false, required, reason: `@${actor.login} ${has}; ${what} needs ${required}` };
}
