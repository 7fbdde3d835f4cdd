/**
 * The portal's sessions: server-side, in memory. The cookie holds only a random session id and
 * its HMAC (`<id>.<mac>`, HttpOnly, SameSite=Lax, Secure on https); the person's GitHub token
 * never leaves the server. Each session has its own CSRF token for the POST forms. With several
 * replicas, a person signs in again on a replica that does not know the session (no sharing yet).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A signed-in person. */
export interface Session {
  readonly id: string;
  readonly login: string;
  /** The person's OAuth token: every read about what they may see is made with it. */
  readonly token: string;
  readonly csrf: string;
  readonly expiresAt: number;
}

export const SESSION_COOKIE = "ferry_session";
export const STATE_COOKIE = "ferry_oauth_state";

/** Options of {@link SessionStore}. */
export interface SessionStoreOptions {
  /** Key of the cookies' HMAC (at least 32 bytes). */
  readonly secret: string;
  /** @default 8 hours */
  readonly ttlMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default 10,000: the oldest session goes first beyond it */
  readonly max?: number;
}

const token = () => randomBytes(32).toString("base64url");

/** Sessions by id, with signed cookie values. */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #secret: string;
  readonly #ttl: number;
  readonly #now: () => number;
  readonly #max: number;

  constructor(options: SessionStoreOptions) {
    if (options.secret.length < 32) throw new Error(`the portal's session secret must be at least 32 characters, got ${options.secret.length}`);
    this.#secret = options.secret;
    this.#ttl = options.ttlMs ?? 8 * 3600_000;
    this.#now = options.now ?? Date.now;
    this.#max = options.max ?? 10_000;
  }

  /** `<value>.<mac>` */
  sign(value: string): string {
    return `${value}.${createHmac("sha256", this.#secret).update(value).digest("base64url")}`;
  }

  /** The value of a signed string, or undefined when the MAC does not match. */
  unsign(signed: string | undefined): string | undefined {
    if (!signed) return undefined;
    const dot = signed.lastIndexOf(".");
    if (dot <= 0) return undefined;
    const value = signed.slice(0, dot);
    const expected = Buffer.from(this.sign(value));
    const given = Buffer.from(signed);
    return expected.length === given.length && timingSafeEqual(expected, given) ? value : undefined;
  }

  /** Starts a session for a person; returns it (its id goes into the cookie, signed). */
  create(login: string, personToken: string): Session {
    while (this.#sessions.size >= this.#max) this.#sessions.delete(this.#sessions.keys().next().value!);
    const session: Session = { id: token(), login, token: personToken, csrf: token(), expiresAt: this.#now() + this.#ttl };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session a signed cookie value names. */
  get(cookie: string | undefined): Session | undefined {
    const id = this.unsign(cookie);
    const session = id ? this.#sessions.get(id) : undefined;
    if (!session) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(session.id);
      return undefined;
    }
    return session;
  }

  /** Ends a session. */
  delete(id: string): void {
    this.#sessions.delete(id);
  }

  /** A fresh random value (the OAuth `state`). */
  nonce(): string {
    return token();
  }
}

/** The cookies of a request; one whose value does not decode (`ferry_session=%`) is left out, as if not sent. */
export function readCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    try {
      out.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      continue;
    }
  }
  return out;
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/ferry, Secure on https; `maxAge` 0 clears it. */
export function cookie(name: string, value: string, opts: { readonly secure: boolean; readonly maxAgeSeconds?: number }): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    "Path=/ferry",
    "HttpOnly",
    "SameSite=Lax",
    ...(opts.secure ? ["Secure"] : []),
    ...(opts.maxAgeSeconds !== undefined ? [`Max-Age=${opts.maxAgeSeconds}`] : []),
  ].join("; ");
}
