/**
 * Conditional requests for the app's GitHub client: an Octokit plugin that remembers the `etag`
 * (or `last-modified`) of every GET answered 200, asks again with `If-None-Match` (or
 * `If-Modified-Since`), and turns GitHub's `304 Not Modified` back into the remembered 200.
 * GitHub does not count a 304 against the rate limit, so the reads the Release, Promotion and
 * Reconcile flows repeat (repositories, trees, the platform, pull requests) cost nothing while
 * the data is unchanged. GitHub still decides freshness on every request: nothing is served
 * without asking.
 *
 * Entries are kept per identity (the installation a client acts as, the app, or a token), so
 * one installation never sees what another read; the cache holds at most `maxEntries`
 * responses and `maxTotalBytes` of bodies, least recently used first out.
 */
import { createHash } from "node:crypto";

/** Options of {@link ResponseCache}. */
export interface ResponseCacheOptions {
  /** How many responses are kept at most. @default 500 */
  readonly maxEntries?: number;
  /** A response whose body is larger (bytes of its JSON) is not kept. @default 262144 (256 KiB) */
  readonly maxEntryBytes?: number;
  /** How many bytes of bodies are kept at most, all entries together. @default 33554432 (32 MiB) */
  readonly maxTotalBytes?: number;
}

/** One remembered answer. */
export interface CachedResponse {
  readonly etag: string | undefined;
  readonly lastModified: string | undefined;
  readonly status: number;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | number | undefined>>;
  readonly data: unknown;
  /** Size of the body as counted against the limits. */
  readonly bytes: number;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`ResponseCache: ${name} must be a positive integer, got ${String(value)}`);
  return v;
}

/** A least-recently-used map of responses, bounded in entries and bytes. */
export class ResponseCache {
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  readonly maxTotalBytes: number;
  readonly #entries = new Map<string, CachedResponse>();
  #bytes = 0;

  constructor(opts: ResponseCacheOptions = {}) {
    this.maxEntries = positiveInteger("maxEntries", opts.maxEntries, 500);
    this.maxEntryBytes = positiveInteger("maxEntryBytes", opts.maxEntryBytes, 256 * 1024);
    this.maxTotalBytes = positiveInteger("maxTotalBytes", opts.maxTotalBytes, 32 * 1024 * 1024);
  }

  /** How many responses are kept. */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes of bodies kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The keys kept, least recently used first. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** The entry of `key`, now the most recently used. */
  get(key: string): CachedResponse | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** Keeps `entry` (unless its body is over `maxEntryBytes`, which also forgets an older one) and evicts beyond the limits. */
  set(key: string, entry: CachedResponse): void {
    this.delete(key);
    if (entry.bytes > this.maxEntryBytes || entry.bytes > this.maxTotalBytes) return;
    this.#entries.set(key, entry);
    this.#bytes += entry.bytes;
    for (const [oldest, old] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#bytes <= this.maxTotalBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.bytes;
    }
  }

  /** Forgets `key`. */
  delete(key: string): void {
    const old = this.#entries.get(key);
    if (!old) return;
    this.#entries.delete(key);
    this.#bytes -= old.bytes;
  }
}

type Headers = Record<string, string | number | undefined>;

interface EndpointOptions {
  readonly method: string;
  headers?: Readonly<Headers>;
  readonly request?: { readonly parseSuccessResponseBody?: boolean };
  readonly [key: string]: unknown;
}

interface OctokitResponse {
  readonly status: number;
  readonly url: string;
  readonly headers: Headers;
  readonly data: unknown;
}

type RequestFn = (options: EndpointOptions) => Promise<OctokitResponse>;

/** What {@link conditionalRequests} needs of an Octokit instance. */
export interface ConditionalHookable {
  readonly hook: { wrap(name: "request", wrapper: (request: RequestFn, options: EndpointOptions) => Promise<OctokitResponse>): void };
  readonly request: { readonly endpoint: { parse(options: EndpointOptions): { readonly method: string; readonly url: string; readonly headers: Headers } } };
}

/**
 * Whom a client reads as: its installation (Probot passes `auth.installationId`), a token (by a
 * hash of it), or the app itself. Responses are never shared between identities.
 */
export function identityOf(options: { readonly auth?: unknown }): string {
  const auth = options.auth;
  if (typeof auth === "string") return `token:${createHash("sha256").update(auth).digest("hex").slice(0, 16)}`;
  const id = (auth as { installationId?: unknown } | undefined)?.installationId;
  return typeof id === "number" || typeof id === "string" ? `installation:${String(id)}` : "app";
}

/** Size of a body as counted against the cache's limits; `undefined` for bodies that cannot be kept (streams). */
function bodyBytes(data: unknown): number | undefined {
  if (data === undefined || data === null) return 0;
  if (typeof data === "string") return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (typeof data === "object" && (Array.isArray(data) || Object.getPrototypeOf(data) === Object.prototype)) {
    return Buffer.byteLength(JSON.stringify(data));
  }
  return undefined;
}

function header(headers: Readonly<Headers> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(value);
}

function isNotModified(error: unknown): error is { status: 304; response?: { headers?: Headers } } {
  return typeof error === "object" && error !== null && (error as { status?: unknown }).status === 304;
}

function isClientError(error: unknown): boolean {
  const status = typeof error === "object" && error !== null ? (error as { status?: unknown }).status : undefined;
  return typeof status === "number" && status >= 400 && status < 500;
}

/**
 * The Octokit plugin: GETs with a remembered `etag`/`last-modified` go out conditional; a 304 is
 * answered with the remembered response (status 200, a copy of its data, the 304's fresh headers
 * such as the rate limit). Requests that set their own `If-None-Match`/`If-Modified-Since` are
 * left alone. Register it after (outside) a plugin that should see the 304s themselves.
 */
export function conditionalRequests(cache: ResponseCache): (octokit: ConditionalHookable, options: { readonly auth?: unknown }) => void {
  return (octokit, clientOptions) => {
    const identity = identityOf(clientOptions);
    octokit.hook.wrap("request", async (request, options) => {
      if (options.method.toUpperCase() !== "GET" || options.request?.parseSuccessResponseBody === false || typeof options.headers !== "object")
        return request(options);
      if (header(options.headers, "if-none-match") !== undefined || header(options.headers, "if-modified-since") !== undefined) return request(options);
      const parsed = octokit.request.endpoint.parse(options);
      const key = `${identity} GET ${parsed.url} accept=${header(parsed.headers, "accept") ?? ""}`;
      const known = cache.get(key);
      // The hooks of before-after-hook all receive one options object (the next hook ignores an
      // argument), so the validator goes into that object, with headers of its own.
      if (known) options.headers = { ...options.headers, ...(known.etag ? { "if-none-match": known.etag } : { "if-modified-since": known.lastModified }) };
      let response: OctokitResponse;
      try {
        response = await request(options);
      } catch (error) {
        if (known && isClientError(error)) cache.delete(key); // gone or no longer visible: forget it
        if (!known || !isNotModified(error)) throw error;
        cache.set(key, known);
        return { status: known.status, url: known.url, headers: { ...known.headers, ...error.response?.headers }, data: structuredClone(known.data) };
      }
      const etag = header(response.headers, "etag");
      const lastModified = header(response.headers, "last-modified");
      const bytes = response.status === 200 ? bodyBytes(response.data) : undefined;
      if (bytes === undefined || bytes > cache.maxEntryBytes || (etag === undefined && lastModified === undefined)) {
        cache.delete(key);
        return response;
      }
      cache.set(key, {
        etag,
        lastModified,
        status: response.status,
        url: response.url,
        headers: response.headers,
        data: structuredClone(response.data),
        bytes,
      });
      return response;
    });
  };
}
