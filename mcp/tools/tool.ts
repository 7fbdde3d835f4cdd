/**
 * The shape of every MCP tool: one module per tool under `mcp/tools/`, registered in `TOOLS`
 * (`mcp/tools/index.ts`). The server (`mcp/server.ts`) lists a tool with its schemas and
 * annotations, parses the arguments, runs it with the caller's context and returns its result as
 * `structuredContent` (checked against `output`) plus a text rendering.
 */
import { z } from "zod";
import type { GitHub } from "../../adapters/github/types.js";
import type { Person } from "../../adapters/github/people.js";
import type { EnvironmentVariables } from "../../operations/variables.js";
import type { Access } from "../access.js";

/** What a tool declares about itself (MCP tool annotations), set truthfully. */
export interface ToolHints {
  /** Changes nothing anywhere. */
  readonly readOnlyHint: boolean;
  /** May destroy or overwrite something (meaningful only when not read-only). */
  readonly destructiveHint: boolean;
  /** Calling it again with the same arguments changes nothing more. */
  readonly idempotentHint: boolean;
  /** Talks to systems outside the caller's disk (GitHub, GitOps repositories, clusters). */
  readonly openWorldHint: boolean;
}

/** Where the tools' omitted paths come from: the directories `ferry mcp` was started with. */
export interface WorkspaceDefaults {
  /** App checkouts (or directories with apps below them); none: tools must name them. */
  readonly apps: readonly string[];
  /** The platform checkout; undefined: tools must name it. */
  readonly platform?: string;
}

/**
 * How the caller reaches the server: `stdio`, a person on their own machine (arguments may name
 * their files and repositories); `http`, a remote caller (arguments never name files or addresses
 * on the server's side: the server refuses them, see {@link serverSide}).
 */
export type Transport = "stdio" | "http";

/** The caller's side of a tool call: defaults, variables, who is calling and what they may see. */
export interface ToolContext {
  readonly transport: Transport;
  readonly defaults: WorkspaceDefaults;
  /** GITHUB_TOKEN, GITHUB_SERVER_URL, GITHUB_API_URL, KUBECONFIG, FERRY_CACHE_DIR... */
  readonly variables: EnvironmentVariables;
  /** The person behind the token (HTTP's bearer token, or GITHUB_TOKEN over stdio); undefined: no token, local use. */
  readonly person?: Person;
  /** A GitHub client acting as `person` with their own token; undefined without a token. */
  readonly github?: () => GitHub;
  /** Which repositories and components the caller may see. */
  readonly access: Access;
}

/** `T` with every array and object read-only, so operations' readonly results fit the output types. */
export type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** A tool's answer: the structured result (matching `output`), an optional text rendering (default: the JSON), and whether it is an error. */
export interface ToolResult<O> {
  readonly structured: DeepReadonly<O>;
  /** Text for clients that read only `content`; default: `structured` as indented JSON. */
  readonly text?: string;
  /** The result reports a failure the agent must act on (e.g. inputs with errors), still shaped as `output`. */
  readonly isError?: boolean;
}

/** One MCP tool. `I` and `O` are zod object shapes. */
export interface FerryTool<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  /** `ferry_<verb>`: a contract, never renamed. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: I;
  readonly output: O;
  readonly annotations: ToolHints;
  /** Writes through GitHub: listed only when the server runs with `--allow-writes`. */
  readonly writes: boolean;
  run(args: z.infer<z.ZodObject<I>>, context: ToolContext): Promise<ToolResult<z.infer<z.ZodObject<O>>>>;
}

/** Declares a tool with its types inferred from its schemas. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(tool: FerryTool<I, O>): FerryTool<I, O> {
  return tool;
}

/** A tool with its own argument and result types erased, as the registry holds it; the server parses arguments with its `input`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = FerryTool<any, any>;

/** The annotations of a tool that only reads the caller's disk. */
export const LOCAL_READ: ToolHints = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
/** The annotations of a tool that only reads GitHub, GitOps repositories or clusters. */
export const REMOTE_READ: ToolHints = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

/**
 * The arguments that name a file, directory, repository URL, branch or path on the server's side
 * (`kubeconfig`, `gitops`, `platform`, `apps`...), each with where a remote caller's call takes it
 * from instead. Over HTTP the server (mcp/server.ts) lists tools without them and refuses a call
 * that passes one; a tool one of them is required by is not served over HTTP.
 */
export const SERVER_SIDE = z.registry<{ readonly instead: string }>();

/** Marks `schema` (the argument's whole schema, `.optional()` and `.describe()` included) as naming something on the server's side. */
export function serverSide<T extends z.ZodType>(schema: T, instead: string): T {
  SERVER_SIDE.add(schema, { instead });
  return schema;
}
