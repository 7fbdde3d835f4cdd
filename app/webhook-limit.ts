/**
 * The size limit of webhook deliveries. GitHub never sends a payload over 25 MB (it drops the
 * delivery instead), but Probot's webhook middleware reads any body whole before checking its
 * signature. The limit wraps that middleware: a delivery declaring more than the limit is refused
 * with 413 before its body is read, and one streaming more than the limit is refused once it
 * passes it; nothing is verified or handled for either.
 *
 * It wraps `Probot.getNodeMiddleware` of the instance the app is loaded into, the one place both
 * of Probot's request paths meet: `run()`'s server and `createNodeMiddleware` ask it for the
 * webhook middleware after loading the app.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Probot } from "probot";

/** 25 MiB: larger than anything GitHub delivers. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

type NodeMiddleware = Awaited<ReturnType<Probot["getNodeMiddleware"]>>;

/** A webhook delivery carries GitHub's event header; other requests pass through untouched. */
function isDelivery(req: IncomingMessage): boolean {
  return req.method === "POST" && req.headers["x-github-event"] !== undefined;
}

function refuse(res: ServerResponse, maxBytes: number): true {
  const body = JSON.stringify({ error: `payload too large: webhook deliveries are limited to ${maxBytes} bytes` });
  res.writeHead(413, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" }).end(body);
  return true;
}

/** The body, or undefined as soon as it passes `maxBytes` (the rest is left unread, the connection is closed by the answer). */
function readLimited(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      stop();
      req.pause();
      resolve(undefined);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** Wraps a webhook middleware so that deliveries over `maxBytes` are refused (413). */
export function limitDeliverySize(middleware: NodeMiddleware, maxBytes = MAX_WEBHOOK_BYTES): NodeMiddleware {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  return async (req, res, next) => {
    if (!isDelivery(req)) return middleware(req, res, next);
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBytes) return refuse(res, maxBytes);
    const body = await readLimited(req, maxBytes);
    if (body === undefined) return refuse(res, maxBytes);
    // @octokit/webhooks takes a body already read as a string (`request.body`) instead of the stream.
    Object.assign(req, { body: decoder.decode(body) });
    return middleware(req, res, next);
  };
}

/** Makes every webhook middleware `app` hands out refuse deliveries over `maxBytes`; see the module comment. */
export function limitWebhookPayloads(app: Probot, maxBytes = MAX_WEBHOOK_BYTES): void {
  const original = app.getNodeMiddleware.bind(app);
  app.getNodeMiddleware = async (options) => limitDeliverySize(await original(options), maxBytes);
}
