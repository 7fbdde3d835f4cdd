/** The size limit of webhook deliveries, declared or streamed (chunked), in front of a webhook middleware. */
import { createServer, request } from "node:http";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { limitDeliverySize } from "../../app/webhook-limit.js";

const LIMIT = 1024;
/** What the wrapped middleware saw of each request: the body it was handed, or that it read the stream itself. */
const seen: string[] = [];
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const limited = limitDeliverySize(async (req, res) => {
    const given = (req as IncomingMessage & { body?: string }).body;
    if (given !== undefined) seen.push(`body ${given.length}`);
    else {
      let size = 0;
      for await (const chunk of req) size += (chunk as Buffer).length;
      seen.push(`stream ${size}`);
    }
    res.writeHead(200).end("ok");
    return true;
  }, LIMIT);
  const server = createServer((req, res) => void limited(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});

afterAll(async () => {
  await close();
});

/** POSTs `size` bytes in chunks of 256, without a content-length (chunked transfer encoding). */
function postChunked(size: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    // The server may answer and close before everything is sent.
    req.on("error", (e) => (e.message.includes("EPIPE") || e.message.includes("ECONNRESET") ? undefined : reject(e)));
    for (let sent = 0; sent < size; sent += 256) req.write("x".repeat(Math.min(256, size - sent)));
    req.end();
  });
}

describe("limitDeliverySize", () => {
  it("refuses deliveries over the limit, declared or streamed, and hands smaller ones on whole", async () => {
    seen.length = 0;
    const delivery = { "x-github-event": "push" };
    const declared = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...delivery }, body: "x".repeat(LIMIT + 1) });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain(`limited to ${LIMIT} bytes`);
    expect(await postChunked(LIMIT + 512, delivery)).toBe(413);
    expect(seen).toEqual([]);

    expect(await postChunked(LIMIT, delivery)).toBe(200);
    expect(seen).toEqual([`body ${LIMIT}`]);
  });

  it("leaves requests that are not deliveries to the middleware untouched", async () => {
    seen.length = 0;
    expect(await postChunked(LIMIT + 512, {})).toBe(200);
    expect(seen).toEqual([`stream ${LIMIT + 512}`]);
  });
});
