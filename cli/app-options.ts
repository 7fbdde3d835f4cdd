/** The options of the commands that load app checkouts (render, validate, diff, publish), and the workspace they name. */
import type { WorkspaceInput } from "../operations/workspace.js";
import { list, required } from "./args.js";

export const APP_OPTIONS = {
  platform: { type: "string", short: "p" },
  repo: { type: "string" },
  env: { type: "string", multiple: true, short: "e" },
  json: { type: "boolean" },
} as const;

export const APP_OPTIONS_HELP = `  --platform, -p DIR   platform repository checkout (holds .ferry/platform.yaml)
  --repo OWNER/NAME    repository of the app (one APP_DIR only); default: its git origin, else
                       its last two path segments
  --env, -e ENV        only these environments (repeat or comma-separate); default: all
  --json               machine-readable output on stdout`;

/** The values of {@link APP_OPTIONS} as parsed. */
export interface AppArgs {
  readonly platform?: string;
  readonly repo?: string;
  readonly env?: string[];
}

/** The workspace the APP_DIR arguments and {@link APP_OPTIONS} name; `--platform` is required. */
export function workspaceInput(values: AppArgs, positionals: readonly string[]): WorkspaceInput {
  return { apps: [...positionals], platform: required(values.platform, "--platform"), repo: values.repo, envs: list(values.env) };
}
