/**
 * A local HTTP receiver of Ferry's notifications (a stand-in for a Slack or Teams incoming webhook,
 * or a generic webhook's receiver): it records every POST and answers with the statuses it is
 * given in turn (then 200); {@link verifies} checks `X-Ferry-Signature-256` as a receiver would.
 * It may start on a port chosen before (a receiver that was down and comes up). Always `close()`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One POST the receiver got. */
export interface ReceivedPost {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A running receiver. */
export interface NotificationReceiver {
  /** Its URL, with a path standing for the secret part of an incoming webhook's URL. */
  readonly url: string;
  readonly posts: ReceivedPost[];
  close(): Promise<void>;
}

/** The path of every receiver's URL: logs must never show it. */
export const SECRET_PATH = "/hooks/T000/secret-path";

/** Starts a receiver on `port` (@default a free one) answering with `statuses` in turn, then 200. */
export async function startReceiver(statuses: number[] = [], port = 0): Promise<NotificationReceiver> {
  const posts: ReceivedPost[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      posts.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.statusCode = statuses.shift() ?? 200;
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  return { url: receiverUrl(bound), posts, close: () => new Promise((r) => server.close(() => r())) };
}

/** The URL a receiver on `port` has (also while it is down). */
export function receiverUrl(port: number): string {
  return `http://127.0.0.1:${port}${SECRET_PATH}`;
}

/** A loopback port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Whether `post` carries a valid `X-Ferry-Signature-256` under `secret` (the HMAC SHA-256 of the raw body). */
export function verifies(post: ReceivedPost, secret: string): boolean {
  const given = String(post.headers["x-ferry-signature-256"] ?? "");
  const expected = `sha256=${createHmac("sha256", secret).update(post.body).digest("hex")}`;
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
