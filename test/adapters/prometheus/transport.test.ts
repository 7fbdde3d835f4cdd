import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { prometheusClient } from "../../../adapters/prometheus/client.js";
import { httpGet } from "../../../adapters/prometheus/transport.js";

/** A local HTTP server that counts its connections and each connection's requests. */
async function serve(
  handle: (req: IncomingMessage, res: ServerResponse, nth: number) => void,
): Promise<{ url: string; connections: () => number; server: Server }> {
  const perSocket = new WeakMap<Socket, number>();
  let connections = 0;
  const server = createServer((req, res) => {
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    handle(req, res, n);
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, connections: () => connections, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

const answer = (value: string) => JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1, value] }] } });

describe("the Prometheus client's transport", () => {
  it("clients of one endpoint share kept-alive sockets: ten queries one after another through five clients open one connection", async () => {
    const s = await serve((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(answer("0.5")));
    const values: unknown[] = [];
    for (let i = 0; i < 10; i++) values.push(await prometheusClient({ url: s.url }).query("up", i % 5));
    expect(values).toEqual(Array.from({ length: 10 }, () => ({ ok: true, value: 0.5 })));
    expect(s.connections()).toBe(1);
  });

  it("a kept-alive socket the server drops as the next query goes out: the query is sent once more on a new socket and answered", async () => {
    // Each connection answers its first request and drops the socket at its second, unanswered.
    const s = await serve((req, res, nth) => (nth === 1 ? res.writeHead(200, { "content-type": "application/json" }).end(answer("1")) : req.socket.destroy()));
    const client = prometheusClient({ url: s.url });
    expect(await client.query("up", 1)).toEqual({ ok: true, value: 1 });
    expect(await client.query("up", 2)).toEqual({ ok: true, value: 1 });
    expect(s.connections()).toBe(2);
  });

  it("a server that drops every new connection unanswered is unreachable, asked once (no retry off a fresh socket)", async () => {
    let requests = 0;
    const s = await serve((req) => {
      requests++;
      req.socket.destroy();
    });
    const r = await prometheusClient({ url: s.url }).query("up", 0);
    expect(r).toEqual({ ok: false, error: { kind: "unreachable", message: `${s.url} could not be reached: socket hang up` } });
    expect(requests).toBe(1);
  });

  it("an answer larger than the cap is cut off and is an `answer` error, not buffered whole", async () => {
    let written = 0;
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = "x".repeat(1024);
      // Far more than the cap; the client stops reading long before.
      const pump = () => {
        while (written < 64 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (written < 64 * 1024 * 1024 && !res.destroyed) res.once("drain", pump);
        else res.end();
      };
      res.on("close", () => res.removeAllListeners("drain"));
      pump();
    });
    const r = await prometheusClient({ url: s.url, get: httpGet(4096) }).query("up", 0);
    expect(r).toEqual({ ok: false, error: { kind: "answer", message: `${s.url} answered more than 4096 bytes: a signal must give one series` } });
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it("a scheme other than http and https is unreachable, with the scheme named", async () => {
    const r = await httpGet()(new URL("ftp://127.0.0.1/api/v1/query"), {}, 1000);
    expect(r).toEqual({ ok: false, error: "unreachable", message: "ftp: is not http: or https:" });
  });
});
