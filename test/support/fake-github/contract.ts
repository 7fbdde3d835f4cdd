/**
 * The GitHub REST contract as the fake uses it: routing of a request to an operation, and
 * validation of parameters, request bodies and responses with ajv against the schemas that
 * `contracts/github-rest.json` copies from GitHub's OpenAPI description.
 *
 * GitHub's schemas are OpenAPI 3.0 (`nullable`, `example`, `x-*` extensions); they are turned into
 * plain JSON Schema before compiling. Request bodies and responses are checked strictly: an object
 * that declares its `properties` gets `additionalProperties: false` (a misspelt field is an error,
 * where GitHub would silently ignore it).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { GithubContract, type ContractOperation, type ContractParameter, type JsonSchema } from "../../../scripts/extract-github-contract.js";

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Where the committed contract lives. */
export const CONTRACT_FILE = join(dirname(fileURLToPath(import.meta.url)), "../../../contracts/github-rest.json");

/** One operation with its compiled path matcher. */
export interface Route {
  /** `"GET /repos/{owner}/{repo}"`, the contract key. */
  readonly key: string;
  readonly method: string;
  readonly template: string;
  readonly operation: ContractOperation;
  readonly pattern: RegExp;
  readonly pathParams: readonly string[];
  /** Number of literal characters in the template; more literal wins when several match. */
  readonly literalLength: number;
}

/** Result of routing a request. */
export type RouteMatch =
  | { readonly kind: "matched"; readonly route: Route; readonly pathParams: Record<string, string> }
  | { readonly kind: "no-path" }
  | { readonly kind: "no-method"; readonly allowed: readonly string[] };

/** Outcome of validating one part of a request or response. */
export interface Checked<T> {
  readonly value: T;
  readonly errors: readonly string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const SCHEMA_MAPS = ["properties", "patternProperties"] as const;
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf"] as const;
const SCHEMA_SINGLES = ["items", "not", "additionalProperties"] as const;
const DROPPED = new Set([
  "example",
  "examples",
  "description",
  "title",
  "nullable",
  "readOnly",
  "writeOnly",
  "deprecated",
  "discriminator",
  "externalDocs",
  "xml",
]);

/** Options of {@link toJsonSchema}. */
export interface ConvertOptions {
  /** Add `additionalProperties: false` to objects that list their properties. @default true */
  readonly closeObjects?: boolean;
  /**
   * Called with every converted object schema (before `nullable` wrapping); may return a
   * replacement such as a `$ref` to a shared definition. @default undefined (no sharing)
   */
  readonly intern?: (schema: Record<string, unknown>) => Record<string, unknown>;
}

function branchesDeclareProperties(schema: Record<string, unknown>): boolean {
  return SCHEMA_LISTS.some((k) => Array.isArray(schema[k]) && (schema[k] as unknown[]).some((b) => isObject(b) && "properties" in b));
}

/**
 * Converts an OpenAPI 3.0 schema to JSON Schema for ajv: `nullable` becomes a `null` type (and a
 * `null` enum member), vendor extensions and documentation keywords are dropped, and objects are
 * closed unless told otherwise.
 */
export function toJsonSchema(schema: unknown, options: ConvertOptions = {}, inAllOf = false): unknown {
  if (!isObject(schema)) return schema;
  const close = options.closeObjects ?? true;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith("x-") || DROPPED.has(key)) continue;
    if ((SCHEMA_MAPS as readonly string[]).includes(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v, options)]));
    } else if ((SCHEMA_LISTS as readonly string[]).includes(key) && Array.isArray(value)) {
      out[key] = value.map((v) => toJsonSchema(v, options, key === "allOf"));
    } else if ((SCHEMA_SINGLES as readonly string[]).includes(key) && isObject(value)) {
      out[key] = toJsonSchema(value, options);
    } else {
      out[key] = value;
    }
  }
  if (
    close &&
    !inAllOf &&
    isObject(out.properties) &&
    out.additionalProperties === undefined &&
    out.patternProperties === undefined &&
    !branchesDeclareProperties(schema)
  ) {
    const properties = { ...out.properties };
    for (const name of Array.isArray(out.required) ? (out.required as unknown[]) : []) {
      if (typeof name === "string" && !(name in properties)) properties[name] = {};
    }
    out.properties = properties;
    out.additionalProperties = false;
  }
  const shared = options.intern && isObject(out.properties) ? options.intern(out) : out;
  if (shared !== out) return schema.nullable === true ? { anyOf: [shared, { type: "null" }] } : shared;
  if (schema.nullable === true) {
    if (typeof out.type === "string") {
      out.type = [out.type, "null"];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

function collectFormats(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectFormats(v, into);
  } else if (isObject(value)) {
    if (typeof value.format === "string") into.add(value.format);
    for (const v of Object.values(value)) collectFormats(v, into);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compileRoute(key: string, operation: ContractOperation): Route {
  const [method = "", template = ""] = key.split(" ");
  const multi = new Set(operation.parameters.filter((p) => p.in === "path" && p["x-multi-segment"]).map((p) => p.name));
  const pathParams: string[] = [];
  let literalLength = 0;
  let source = "^";
  for (const part of template.split(/(\{[^}]+\})/)) {
    const param = /^\{([^}]+)\}$/.exec(part);
    if (param?.[1]) {
      pathParams.push(param[1]);
      source += multi.has(param[1]) ? "(.+?)" : "([^/]+)";
    } else {
      literalLength += part.length;
      source += escapeRegExp(part);
    }
  }
  return { key, method, template, operation, pattern: new RegExp(`${source}/?$`), pathParams, literalLength };
}

function formatAjvErrors(where: string, errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const at = `${where}${e.instancePath}`;
    const extra =
      e.keyword === "additionalProperties"
        ? ` "${String((e.params as { additionalProperty?: unknown }).additionalProperty)}"`
        : e.keyword === "enum"
          ? ` ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)}`
          : "";
    return `${at}: ${e.message ?? e.keyword}${extra}`;
  });
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The contract, indexed for the fake: routes sorted most-specific first and ajv validators
 * compiled on first use. Build one per test file (`ContractIndex.load()`) and share it between
 * fakes to pay the compile cost once.
 */
export class ContractIndex {
  readonly contract: GithubContract;
  readonly routes: readonly Route[];
  readonly #strict: Ajv;
  readonly #params: Ajv;
  readonly #cache = new Map<string, ValidateFunction>();
  readonly #defs = new Set<string>();

  constructor(contract: GithubContract) {
    this.contract = contract;
    this.routes = Object.entries(contract.operations)
      .map(([key, op]) => compileRoute(key, op))
      .sort((a, b) => b.literalLength - a.literalLength || a.key.localeCompare(b.key));
    const formats = new Set<string>();
    collectFormats(contract.operations, formats);
    const make = (opts: ConstructorParameters<typeof Ajv>[0]): Ajv => {
      const ajv = new Ajv({ strict: false, allowUnionTypes: true, allErrors: true, logger: false, inlineRefs: false, ...opts });
      addFormats(ajv);
      // GitHub sends "" for unset URI fields (deployment status target_url, log_url...).
      ajv.addFormat("uri", (s: string) => s === "" || (/^[a-z][a-z0-9+.-]*:/i.test(s) && URL.canParse(s)));
      for (const f of formats) if (!ajv.formats[f]) ajv.addFormat(f, true);
      return ajv;
    };
    this.#strict = make({});
    this.#params = make({ coerceTypes: "array", useDefaults: true });
  }

  /** Reads and checks `contracts/github-rest.json` (or another file of the same shape). */
  static load(file: string = CONTRACT_FILE): ContractIndex {
    return new ContractIndex(GithubContract.parse(JSON.parse(readFileSync(file, "utf8"))));
  }

  /** Finds the operation for a method and a raw (still percent-encoded) path. */
  match(method: string, rawPath: string): RouteMatch {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const m = route.pattern.exec(rawPath);
      if (!m) continue;
      if (route.method !== method.toUpperCase()) {
        allowed.push(route.method);
        continue;
      }
      const pathParams: Record<string, string> = {};
      route.pathParams.forEach((name, i) => {
        pathParams[name] = decodeParam(m[i + 1] ?? "");
      });
      return { kind: "matched", route, pathParams };
    }
    return allowed.length > 0 ? { kind: "no-method", allowed: [...new Set(allowed)].sort() } : { kind: "no-path" };
  }

  /**
   * Converts a contract schema, moving big object schemas into shared ajv definitions so that the
   * many copies of e.g. `simple-user` or `repository` in the dereferenced description compile once.
   */
  #convert(schema: unknown): unknown {
    return toJsonSchema(schema, {
      intern: (node) => {
        const text = JSON.stringify(node);
        if (text.length < 400) return node;
        const id = `https://fake-github.localhost/defs/${createHash("sha1").update(text).digest("hex")}`;
        if (!this.#defs.has(id)) {
          this.#strict.addSchema({ ...node, $id: id });
          this.#defs.add(id);
        }
        return { $ref: id };
      },
    });
  }

  #compile(cacheKey: string, ajv: Ajv, schema: () => unknown): ValidateFunction {
    let fn = this.#cache.get(cacheKey);
    if (!fn) {
      fn = ajv.compile(schema() as object);
      this.#cache.set(cacheKey, fn);
    }
    return fn;
  }

  /**
   * Validates and coerces path and query parameters (`"5"` becomes `5` for an integer, defaults
   * are filled in). Unknown query parameters are errors.
   */
  checkParams(route: Route, pathParams: Record<string, string>, query: Record<string, string | string[]>): Checked<Record<string, unknown>> {
    const value: Record<string, unknown> = { ...query, ...pathParams };
    const errors: string[] = [];
    for (const name of Object.keys(query)) {
      const declared = route.operation.parameters.find((p) => p.name === name && p.in === "query");
      if (!declared) errors.push(`query parameter "${name}" is not defined for ${route.key}`);
      if (name in pathParams) errors.push(`query parameter "${name}" shadows a path parameter`);
    }
    const validate = this.#compile(`params ${route.key}`, this.#params, () => paramsSchema(route.operation.parameters));
    if (!validate(value)) errors.push(...formatAjvErrors("params", validate.errors));
    return { value, errors };
  }

  /** Validates a JSON request body (`undefined` when the request had none). */
  checkBody(route: Route, body: unknown): readonly string[] {
    const spec = route.operation.requestBody;
    if (body === undefined) return spec?.required ? [`${route.key} requires a JSON body`] : [];
    if (!spec) return [`${route.key} takes no request body`];
    const validate = this.#compile(`body ${route.key}`, this.#strict, () => this.#convert(spec.schema));
    return validate(body) ? [] : formatAjvErrors("body", validate.errors);
  }

  /** The contract's schema for a response status, `undefined` when the status is not declared. */
  responseSpec(route: Route, status: number): { schema?: JsonSchema } | undefined {
    return route.operation.responses[String(status)];
  }

  /**
   * Validates a response body against the declared schema of its status. Undeclared success
   * statuses are errors, except a bodyless 304 to a GET; undeclared error statuses must still
   * look like GitHub's basic error.
   */
  checkResponse(route: Route, status: number, body: unknown): readonly string[] {
    // GitHub answers any GET sent with a matching `If-None-Match`/`If-Modified-Since` with a
    // bodyless 304 (https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate),
    // while its OpenAPI description lists the 304 for only a few GETs; so every GET may answer 304.
    if (status === 304 && route.method === "GET") return body === undefined ? [] : [`${route.key} answers 304 without a body`];
    const spec = this.responseSpec(route, status);
    if (!spec) {
      if (status < 400) return [`${route.key} does not declare a ${status} response`];
      const ok = isObject(body) && typeof body.message === "string";
      return ok ? [] : [`error response ${status} must be an object with a message`];
    }
    if (!spec.schema) {
      if (status >= 400) return isObject(body) && typeof body.message === "string" ? [] : [`error response ${status} must be an object with a message`];
      return body === undefined ? [] : [`${route.key} declares no body for ${status}`];
    }
    const schema = spec.schema;
    const validate = this.#compile(`response ${route.key} ${status}`, this.#strict, () => this.#convert(schema));
    return validate(body) ? [] : formatAjvErrors("response", validate.errors);
  }
}

function paramsSchema(parameters: readonly ContractParameter[]): unknown {
  const relevant = parameters.filter((p) => p.in === "path" || p.in === "query");
  return {
    type: "object",
    properties: Object.fromEntries(relevant.map((p) => [p.name, toJsonSchema(p.schema, { closeObjects: false })])),
    required: relevant.filter((p) => p.required).map((p) => p.name),
  };
}
