/**
 * The workspace arguments the tools share (`apps`, `platform`, `env`), filled from the server's
 * defaults when omitted and narrowed to the app checkouts whose repository the caller sees.
 */
import { z } from "zod";
import { findAppDirs, repoOf } from "../adapters/fs/files.js";
import { UsageError } from "../operations/errors.js";
import { loadPlatform, type WorkspaceInput } from "../operations/workspace.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { formatDiagnostic } from "../renderers/diagnostics.js";
import { visible } from "./access.js";
import { serverSide, type ToolContext } from "./tools/tool.js";

export const PlatformArg = {
  platform: serverSide(
    z.string().optional().describe("platform repository checkout (holds .ferry/platform.yaml); default: the server's --platform"),
    "the platform is the server's own checkout",
  ),
};

/** The `apps` argument with its own description (what the checkouts are for). */
export function appsArg(description: string) {
  return serverSide(z.array(z.string()).optional().describe(description), "the app checkouts are the server's own");
}

export const EnvArg = {
  env: z.array(z.string()).optional().describe("only these environments; default: all"),
};

/** The arguments of every tool that loads app checkouts. */
export const WorkspaceArgs = {
  apps: appsArg("app checkouts holding .ferry/, or directories with apps up to two levels below; default: the server's APP_DIR arguments"),
  ...PlatformArg,
  ...EnvArg,
};
export type WorkspaceArgs = Readonly<z.infer<z.ZodObject<typeof WorkspaceArgs>>>;

/** The platform directory: the argument, else the server's default; neither is a usage error. */
export function platformDir(args: { readonly platform?: string }, context: ToolContext): string {
  const dir = args.platform ?? context.defaults.platform;
  if (dir === undefined)
    throw new UsageError(
      context.transport === "http"
        ? "platform: this server was started without a platform checkout (--platform, FERRY_MCP_PLATFORM)"
        : "platform: no platform checkout given and the server was started without --platform",
    );
  return dir;
}

/** Loads the platform alone (with the built-ins); its errors become a usage error listing each located diagnostic. */
export function platformBundle(args: { readonly platform?: string }, context: ToolContext): PlatformBundle {
  const dir = platformDir(args, context);
  const { bundle, diagnostics } = loadPlatform(dir);
  if (!bundle) throw new UsageError(`the platform ${dir} has errors:\n${diagnostics.map(formatDiagnostic).join("\n")}`);
  return bundle;
}

/** An app checkout, with its repository. */
export interface AppCheckout {
  readonly dir: string;
  readonly repo: string;
}

/** The app checkouts of a call, split by whether the caller sees their repository. */
export interface AppsOfCall {
  readonly visible: readonly AppCheckout[];
  /** Loaded only to resolve the visible components' dependencies; never reported. */
  readonly hidden: readonly AppCheckout[];
}

/** The app checkouts the call names (or the defaults), with their repositories, split by what the caller sees. */
export async function appsOfCall(args: { readonly apps?: readonly string[] }, context: ToolContext): Promise<AppsOfCall> {
  const apps = args.apps ?? context.defaults.apps;
  if (apps.length === 0)
    throw new UsageError(
      context.transport === "http"
        ? "apps: this server was started without app checkouts (APP_DIR arguments, FERRY_MCP_APPS)"
        : "apps: no app checkout given and the server was started without APP_DIR arguments",
    );
  let dirs: string[];
  try {
    dirs = findAppDirs(apps);
  } catch (e) {
    throw new UsageError(`apps: ${e instanceof Error ? e.message : String(e)}`);
  }
  const all = dirs.map((dir) => ({ dir, repo: repoOf(dir) }));
  const visibleApps = await visible(context.access, all, (a) => a.repo);
  return { visible: visibleApps, hidden: all.filter((a) => !visibleApps.includes(a)) };
}

/**
 * The operations' workspace input for the call: the visible app checkouts (the hidden ones only
 * resolve dependencies), the platform and the environments; undefined when the caller sees none.
 */
export async function workspaceInput(args: WorkspaceArgs, context: ToolContext): Promise<WorkspaceInput | undefined> {
  const platform = platformDir(args, context);
  const apps = await appsOfCall(args, context);
  if (apps.visible.length === 0) return undefined;
  return { apps: apps.visible.map((a) => a.dir), dependencyApps: apps.hidden.map((a) => a.dir), platform, envs: args.env ?? [] };
}
