/**
 * One GET to a Prometheus, for client.ts: Node's own http/https (its native parser) over one
 * keep-alive agent per protocol that every client shares, so five hundred verifications reading
 * one endpoint reuse a few sockets instead of opening one each, and an answer is read once into
 * one string (no web streams, no copy per layer). The whole exchange has one deadline; an answer
 * larger than a signal can need is cut off rather than buffered; a request sent on a kept-alive
 * socket the server had just closed is sent again once (a GET changes nothing).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** What a GET ended with: the status and body, or why there is none. */
export type GetResult =
  | { readonly ok: true; readonly status: number; readonly body: string }
  | { readonly ok: false; readonly error: "timeout" | "unreachable" | "too-large"; readonly message: string };

/** One GET of `url` with `headers`, done within `timeoutMs`. Never rejects. */
export type Get = (url: URL, headers: Readonly<Record<string, string>>, timeoutMs: number) => Promise<GetResult>;

/** The largest answer read, in bytes: a signal's answer is one series (Prometheus caps a range at 11,000 points, about 400 KB). */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** How long an idle kept-alive socket stays open, in ms: well under the servers' own idle timeouts (Prometheus: 5 min). */
const IDLE_SOCKET_MS = 30_000;

/** The agents every client shares (idle sockets do not keep the process alive: Node unrefs them). */
const AGENTS = {
  "http:": new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: "lifo" }),
  "https:": new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: "lifo" }),
} as const;

type Once = { readonly result: GetResult; readonly stale: boolean };

function once(url: URL, headers: Readonly<Record<string, string>>, deadline: number, maxBytes: number): Promise<Once> {
  return new Promise((resolve) => {
    const https = url.protocol === "https:";
    if (!https && url.protocol !== "http:")
      return resolve({ result: { ok: false, error: "unreachable", message: `${url.protocol} is not http: or https:` }, stale: false });
    let settled = false;
    /** Why this side ended the request (the deadline, or an answer too large), before it destroys it. */
    let ended: Extract<GetResult, { ok: false }> | undefined;
    const settle = (result: GetResult, stale = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ result, stale });
    };
    const end = (why: Extract<GetResult, { ok: false }>) => {
      ended ??= why;
      req.destroy();
      settle(why);
    };
    const onError = (e: Error, answered: boolean) => {
      if (ended) return settle(ended);
      const code = (e as NodeJS.ErrnoException).code;
      // A kept-alive socket the server closed as this request went out: nothing was answered, it may be sent again.
      settle({ ok: false, error: "unreachable", message: e.message }, !answered && req.reusedSocket && (code === "ECONNRESET" || code === "EPIPE"));
    };
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) end({ ok: false, error: "too-large", message: `more than ${maxBytes} bytes` });
        else chunks.push(chunk);
      });
      res.on("end", () =>
        settle({ ok: true, status: res.statusCode ?? 0, body: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString("utf8") }),
      );
      res.on("error", (e) => onError(e, true));
    };
    const req = (https ? httpsRequest : httpRequest)(url, { method: "GET", headers, agent: AGENTS[url.protocol as keyof typeof AGENTS] }, onResponse);
    const timer = setTimeout(() => end({ ok: false, error: "timeout", message: "no answer in time" }), Math.max(0, deadline - Date.now()));
    req.on("error", (e) => onError(e, false));
    req.end();
  });
}

/** The default {@link Get}: see the module comment. */
export function httpGet(maxBytes: number = MAX_ANSWER_BYTES): Get {
  return async (url, headers, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    const first = await once(url, headers, deadline, maxBytes);
    return first.stale ? (await once(url, headers, deadline, maxBytes)).result : first.result;
  };
}
