/**
 * The HTTP endpoints for running Ferry, served beside Probot's webhook endpoint:
 * `/healthz` (the process answers), `/readyz` (configuration loaded and GitHub reachable, see
 * app/readiness.ts) and `/metrics` (Prometheus text, app/metrics.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunctionOptions, Logger } from "probot";
import { appIdentity } from "../adapters/github/apps.js";
import type { GitHub } from "../adapters/github/types.js";
import type { FerryMetrics } from "./metrics.js";
import { Readiness } from "./readiness.js";

/** A request handler as Probot's `addHandler` takes it: true when it answered. */
export type EndpointHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** What the endpoints read. */
export interface EndpointsInput {
  readonly metrics: FerryMetrics;
  readonly readiness: Readiness;
}

/** Paths served by {@link opsEndpoints}. */
export const ENDPOINT_PATHS = { health: "/healthz", ready: "/readyz", metrics: "/metrics" } as const;

function json(res: ServerResponse, status: number, body: object): true {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
  return true;
}

/** Answers GET (and HEAD) on the three paths; leaves every other request to the next handler. */
export function opsEndpoints(input: EndpointsInput): EndpointHandler {
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "").split("?")[0];
    switch (path) {
      case ENDPOINT_PATHS.health:
        return json(res, 200, { status: "ok" });
      case ENDPOINT_PATHS.ready: {
        const result = await input.readiness.check();
        return result.ready ? json(res, 200, { status: "ready" }) : json(res, 503, { status: "not ready", reason: result.reason });
      }
      case ENDPOINT_PATHS.metrics: {
        const text = await input.metrics.text();
        res.writeHead(200, { "content-type": input.metrics.contentType, "cache-control": "no-store" }).end(text);
        return true;
      }
      default:
        return false;
    }
  };
}

/** What {@link serveEndpoints} needs of the Probot app: a client with the app's JWT. */
export interface EndpointsApp {
  auth(): Promise<Pick<GitHub, "rest">>;
}

/**
 * Adds the endpoints to Probot's server (`addHandler`, Probot 14's way for an app to serve
 * HTTP); readiness asks `GET /app` with the app's JWT. Without a server (an app loaded into a
 * bare Probot instance) there is nothing to serve them on, which is logged.
 */
export function serveEndpoints(
  app: EndpointsApp,
  options: Partial<ApplicationFunctionOptions> | undefined,
  deps: { readonly metrics: FerryMetrics; readonly logger: Logger },
): void {
  const readiness = new Readiness({
    probe: async () => {
      await appIdentity(await app.auth());
    },
  });
  try {
    if (!options?.addHandler) throw new Error("no addHandler given");
    options.addHandler(opsEndpoints({ metrics: deps.metrics, readiness }));
  } catch (e) {
    deps.logger.debug({ err: e }, "no HTTP server: /healthz, /readyz and /metrics are not served");
  }
}
