/**
 * Extracts the GitHub REST operations Ferry uses from GitHub's OpenAPI description.
 *
 * Input: `contracts/operations.json` (the list of `"METHOD /path"` keys, each with why Ferry needs
 * it) and `node_modules/@octokit/openapi/generated/api.github.com.deref.json` (pinned version).
 * Output: `contracts/github-rest.json`, sorted keys, two-space indentation, trailing newline, so
 * that running the script twice gives the same bytes.
 *
 * Usage: `npm run contracts:github` (writes the file), `... -- --check` (exit 1 when the committed
 * file differs), `... -- --out <file>` (write elsewhere).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";

/** The `@octokit/openapi` version the contract is extracted from. */
export const OPENAPI_PACKAGE_VERSION = "23.0.2";
/** The description file inside `@octokit/openapi`. */
export const OPENAPI_FILE = "generated/api.github.com.deref.json";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Default locations, relative to the project root. */
export const DEFAULT_PATHS = {
  operations: join(projectRoot, "contracts/operations.json"),
  contract: join(projectRoot, "contracts/github-rest.json"),
  openapiPackage: join(projectRoot, "node_modules/@octokit/openapi"),
} as const;

/** `contracts/operations.json`: operation keys (`"GET /repos/{owner}/{repo}"`) mapped to why Ferry uses them. */
export const OperationsList = z.object({
  $comment: z.string().optional(),
  operations: z.record(z.string().regex(/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/), z.string().min(1)),
});
export type OperationsList = z.infer<typeof OperationsList>;

/** A JSON schema as found in the description (OpenAPI 3.0 dialect: `nullable`, `example`...). */
export const JsonSchema = z.record(z.string(), z.unknown());
export type JsonSchema = z.infer<typeof JsonSchema>;

/** One path or query parameter of an operation. */
export const ContractParameter = z.object({
  name: z.string(),
  in: z.enum(["path", "query", "header", "cookie"]),
  required: z.boolean(),
  schema: JsonSchema,
  /** Path parameters that may contain `/` (`contents/{path}`, `git/ref/{ref}`). */
  "x-multi-segment": z.literal(true).optional(),
});
export type ContractParameter = z.infer<typeof ContractParameter>;

/** One operation of the contract. */
export const ContractOperation = z.object({
  operationId: z.string(),
  parameters: z.array(ContractParameter),
  /** `null` when the operation takes no body. */
  requestBody: z.object({ required: z.boolean(), schema: JsonSchema }).nullable(),
  /** By status code; `{}` for a response without a JSON body (204, 302, 304). */
  responses: z.record(z.string().regex(/^\d{3}$/), z.object({ schema: JsonSchema.optional() })),
});
export type ContractOperation = z.infer<typeof ContractOperation>;

/** `contracts/github-rest.json`. */
export const GithubContract = z.object({
  source: z.string(),
  package: z.object({ name: z.string(), version: z.string(), file: z.string() }),
  operations: z.record(z.string(), ContractOperation),
});
export type GithubContract = z.infer<typeof GithubContract>;

/** The parts of an OpenAPI 3.0 description the extraction reads. */
const OpenApiMedia = z.record(z.string(), z.object({ schema: JsonSchema.optional() }).passthrough());
const OpenApiParameter = z
  .object({
    name: z.string(),
    in: z.enum(["path", "query", "header", "cookie"]),
    required: z.boolean().optional(),
    schema: JsonSchema.optional(),
    "x-multi-segment": z.boolean().optional(),
  })
  .passthrough();
const OpenApiOperation = z
  .object({
    operationId: z.string(),
    parameters: z.array(OpenApiParameter).optional(),
    requestBody: z.object({ required: z.boolean().optional(), content: OpenApiMedia }).passthrough().optional(),
    responses: z.record(z.string(), z.object({ content: OpenApiMedia.optional() }).passthrough()),
  })
  .passthrough();
/** The subset of GitHub's OpenAPI description the script needs. */
export const OpenApiDescription = z
  .object({
    openapi: z.string(),
    info: z.object({ version: z.string() }).passthrough(),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  })
  .passthrough();
export type OpenApiDescription = z.infer<typeof OpenApiDescription>;

/** Deep copy with object keys sorted; arrays keep their order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

const JSON_MEDIA = "application/json";

function jsonSchemaOf(content: z.infer<typeof OpenApiMedia> | undefined): { schema?: JsonSchema; other: string[] } {
  if (!content) return { other: [] };
  const json = content[JSON_MEDIA];
  return { schema: json?.schema, other: json ? [] : Object.keys(content) };
}

function extractOperation(key: string, raw: unknown, problems: string[]): ContractOperation | undefined {
  const parsed = OpenApiOperation.safeParse(raw);
  if (!parsed.success) {
    problems.push(`${key}: unexpected operation shape: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
    return undefined;
  }
  const op = parsed.data;
  const parameters: ContractParameter[] = [];
  for (const p of op.parameters ?? []) {
    if (!p.schema) {
      problems.push(`${key}: parameter "${p.name}" has no schema`);
      continue;
    }
    parameters.push({
      name: p.name,
      in: p.in,
      required: p.required ?? false,
      schema: p.schema,
      ...(p["x-multi-segment"] === true ? { "x-multi-segment": true as const } : {}),
    });
  }
  let requestBody: ContractOperation["requestBody"] = null;
  if (op.requestBody) {
    const { schema, other } = jsonSchemaOf(op.requestBody.content);
    if (schema) requestBody = { required: op.requestBody.required ?? false, schema };
    else problems.push(`${key}: request body has no ${JSON_MEDIA} schema (content types: ${other.join(", ") || "none"})`);
  }
  const responses: ContractOperation["responses"] = {};
  for (const [status, response] of Object.entries(op.responses)) {
    const { schema, other } = jsonSchemaOf(response.content);
    if (!schema && other.length > 0) {
      problems.push(`${key}: response ${status} has no ${JSON_MEDIA} schema (content types: ${other.join(", ")})`);
    }
    responses[status] = schema ? { schema } : {};
  }
  return { operationId: op.operationId, parameters, requestBody, responses };
}

/**
 * Copies the listed operations out of the description. Collects every problem (unknown path,
 * unknown method, unexpected shape, wrong version) and throws them together.
 */
export function extractContract(description: unknown, operations: OperationsList): GithubContract {
  const problems: string[] = [];
  const desc = OpenApiDescription.safeParse(description);
  if (!desc.success) throw new Error(`not an OpenAPI description: ${desc.error.message}`);
  if (desc.data.info.version !== OPENAPI_PACKAGE_VERSION) {
    problems.push(`description version is ${desc.data.info.version}, expected ${OPENAPI_PACKAGE_VERSION}`);
  }
  const out: GithubContract["operations"] = {};
  for (const key of Object.keys(operations.operations).sort()) {
    const [method = "", path = ""] = key.split(" ");
    const item = desc.data.paths[path];
    if (!item) {
      problems.push(`${key}: path "${path}" is not in the description`);
      continue;
    }
    const raw = item[method.toLowerCase()];
    if (raw === undefined) {
      problems.push(`${key}: method ${method} is not defined for "${path}" (has: ${Object.keys(item).join(", ")})`);
      continue;
    }
    const op = extractOperation(key, raw, problems);
    if (op) out[key] = op;
  }
  if (problems.length > 0) throw new Error(`cannot extract the GitHub contract:\n  ${problems.join("\n  ")}`);
  return {
    source: `GitHub REST API description for api.github.com (published as @octokit/openapi ${OPENAPI_PACKAGE_VERSION}, file ${OPENAPI_FILE}), subset of operations listed in contracts/operations.json`,
    package: { name: "@octokit/openapi", version: OPENAPI_PACKAGE_VERSION, file: OPENAPI_FILE },
    operations: out,
  };
}

/** The committed form: sorted keys, two-space indentation, trailing newline. */
export function renderContract(contract: GithubContract): string {
  return `${JSON.stringify(sortKeys(contract), null, 2)}\n`;
}

/** Reads the pinned package and the operation list from disk and returns the rendered contract. */
export function buildContractFile(paths: { operations: string; openapiPackage: string } = DEFAULT_PATHS): string {
  const pkg = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(join(paths.openapiPackage, "package.json"), "utf8")));
  if (pkg.version !== OPENAPI_PACKAGE_VERSION) {
    throw new Error(`@octokit/openapi is ${pkg.version}, the contract is pinned to ${OPENAPI_PACKAGE_VERSION}`);
  }
  const operations = OperationsList.parse(JSON.parse(readFileSync(paths.operations, "utf8")));
  const description: unknown = JSON.parse(readFileSync(join(paths.openapiPackage, OPENAPI_FILE), "utf8"));
  return renderContract(extractContract(description, operations));
}

function main(argv: readonly string[]): number {
  const check = argv.includes("--check");
  const outIndex = argv.indexOf("--out");
  const out = outIndex >= 0 ? argv[outIndex + 1] : DEFAULT_PATHS.contract;
  if (!out) {
    console.error("--out needs a file name");
    return 2;
  }
  const text = buildContractFile();
  if (check) {
    let current = "";
    try {
      current = readFileSync(out, "utf8");
    } catch {
      current = "";
    }
    if (current !== text) {
      console.error(`${out} is out of date: run npm run contracts:github`);
      return 1;
    }
    console.log(`${out} is up to date`);
    return 0;
  }
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
