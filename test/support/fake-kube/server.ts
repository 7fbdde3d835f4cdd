/**
 * A fake Kubernetes API server over HTTPS for tests. It speaks the real protocol for the
 * resources in `resources.ts`: discovery, list (cluster-wide and namespaced, label and field
 * selectors, `resourceVersion` in the list metadata, Table responses for kubectl), watch
 * (`?watch=1&resourceVersion=N`, chunked JSON lines of `{type, object}`, replay from history,
 * `410 Gone` for compacted versions), get, and `pods/log`. It requires a bearer token.
 *
 * Tests script the cluster in-process: `apply`, `delete`, `setLogs`, `dropWatches`,
 * `pauseWatches`/`resumeWatches`, `expireResourceVersions`, `sendBookmarks`, `applyStep`.
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { generateCerts, type FakeKubeCerts } from "./certs.js";
import { kubeconfigYaml, type KubeconfigContext } from "./kubeconfig.js";
import type { KubeObject, ObjectRef } from "./objects.js";
import {
  coreVersions,
  groupDocument,
  groupList,
  groupVersion,
  resourceAt,
  resourceForObject,
  resourceList,
  METRICS_RESOURCES,
  RENDERED_RESOURCES,
  RESOURCES,
  versionInfo,
  type ResourceType,
} from "./resources.js";
import { parseFieldSelector, parseLabelSelector } from "./selectors.js";
import { toTable } from "./table.js";

/** Options of {@link FakeKube.start}. */
export interface FakeKubeOptions {
  /** Bearer token clients must send. @default a random hex string */
  token?: string;
  /** Clock for creation timestamps and the AGE column. @default Date.now */
  now?: () => number;
  /** Certificates to serve with. @default freshly generated with openssl */
  certs?: FakeKubeCerts;
  /** Also serve the other kinds Ferry renders ({@link RENDERED_RESOURCES}). @default false */
  rendered?: boolean;
  /** Also serve the resource metrics API, PodMetrics ({@link METRICS_RESOURCES}); apply PodMetrics objects to set usage. @default false */
  metrics?: boolean;
}

/** One request the fake received (for assertions such as "a re-list happened"). */
export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  /** `list`, `watch`, `get`, `log`, `discovery` or `other`. */
  verb: string;
  /** Plural resource name for list, watch, get and log. */
  resource?: string;
  status: number;
}

/** Log lines of one container in one pod. */
export interface PodLog {
  namespace: string;
  pod: string;
  container: string;
  lines: string[];
  /** Lines of the previous (terminated) instance, served for `?previous=true`. @default false */
  previous?: boolean;
}

/** What a scenario step does to the cluster: objects to apply, objects to delete, logs to set. */
export interface ScenarioStep {
  apply: KubeObject[];
  delete?: ObjectRef[];
  logs?: PodLog[];
}

interface HistoryEntry {
  rv: number;
  type: "ADDED" | "MODIFIED" | "DELETED";
  resource: ResourceType;
  object: KubeObject;
  previous?: KubeObject;
}

interface WatchStream {
  resource: ResourceType;
  namespace?: string;
  labels: (l: Record<string, string>) => boolean;
  fields: (o: unknown) => boolean;
  bookmarks: boolean;
  res: ServerResponse;
  timer?: NodeJS.Timeout;
}

interface ParkedWatch {
  url: URL;
  resource: ResourceType;
  namespace?: string;
  res: ServerResponse;
  req: IncomingMessage;
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: object,
  ) {
    super(message);
  }
}

function status(code: number, reason: string, message: string, details?: object): object {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code };
}

function qualified(r: ResourceType): string {
  return r.group === "" ? r.resource : `${r.resource}.${r.group}`;
}

function notFound(r: ResourceType, name: string): HttpError {
  return new HttpError(404, "NotFound", `${qualified(r)} "${name}" not found`, { name, group: r.group, kind: r.resource });
}

function badRequest(message: string): HttpError {
  return new HttpError(400, "BadRequest", message);
}

function key(r: ResourceType, namespace: string | undefined, name: string): string {
  return `${r.group}/${r.resource}/${namespace ?? ""}/${name}`;
}

function uidFor(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function sortObjects(items: KubeObject[]): KubeObject[] {
  return items.sort((a, b) => {
    const na = `${a.metadata.namespace ?? ""}/${a.metadata.name}`;
    const nb = `${b.metadata.namespace ?? ""}/${b.metadata.name}`;
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

/** The fake API server. Start with {@link FakeKube.start}; always {@link FakeKube.close} it. */
export class FakeKube {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** The bearer token clients must present. */
  readonly token: string;
  /** PEM of the CA that signed the server certificate. */
  readonly caPem: string;
  /** Every request received, in order. */
  readonly requests: RequestRecord[] = [];

  private readonly objects = new Map<string, KubeObject>();
  private readonly history: HistoryEntry[] = [];
  private readonly watches = new Set<WatchStream>();
  private readonly parked: ParkedWatch[] = [];
  private readonly logs = new Map<string, string[]>();
  private rv = 1;
  private compactedRv = 0;
  private created = 0;
  private paused = false;
  private closing = false;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly now: () => number,
    token: string,
    caPem: string,
    private readonly resources: readonly ResourceType[],
  ) {
    const addr = server.address() as AddressInfo;
    this.url = `https://127.0.0.1:${addr.port}`;
    this.token = token;
    this.caPem = caPem;
  }

  /** Starts a fake API server on 127.0.0.1 with a random port. */
  static async start(options: FakeKubeOptions = {}): Promise<FakeKube> {
    const certs = options.certs ?? generateCerts();
    const token = options.token ?? randomBytes(16).toString("hex");
    const server = createServer({ key: certs.keyPem, cert: certs.certPem });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const served = [...RESOURCES, ...(options.rendered ? RENDERED_RESOURCES : []), ...(options.metrics ? METRICS_RESOURCES : [])];
    const fake = new FakeKube(server, options.now ?? Date.now, token, certs.caPem, served);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
    server.on("connection", (socket: Socket) => fake.track(socket));
    return fake;
  }

  /** A kubeconfig (YAML) whose contexts all point at this server with its CA and token. */
  kubeconfig(contexts: string[] = ["fake"], currentContext?: string): string {
    const entries: KubeconfigContext[] = contexts.map((context) => ({ context, server: this.url, caPem: this.caPem, token: this.token }));
    return kubeconfigYaml(entries, currentContext);
  }

  /** The current resourceVersion of the store. */
  resourceVersion(): number {
    return this.rv;
  }

  /**
   * Creates or replaces an object (like a server-side apply of the whole object, status included)
   * and notifies watches. Fills in uid, creationTimestamp, generation and resourceVersion when
   * missing. Returns the stored copy.
   */
  apply(input: KubeObject): KubeObject {
    const r = this.resourceOf(input);
    const k = key(r, input.metadata.namespace, input.metadata.name);
    const previous = this.objects.get(k);
    const obj = structuredClone(input);
    const meta = obj.metadata;
    meta.uid = meta.uid ?? previous?.metadata.uid ?? uidFor(`${k}#${++this.created}`);
    meta.creationTimestamp = meta.creationTimestamp ?? previous?.metadata.creationTimestamp ?? isoSeconds(this.now());
    meta.generation = meta.generation ?? previous?.metadata.generation ?? 1;
    meta.resourceVersion = String(++this.rv);
    this.objects.set(k, obj);
    this.record({ rv: this.rv, type: previous ? "MODIFIED" : "ADDED", resource: r, object: obj, ...(previous ? { previous } : {}) });
    return structuredClone(obj);
  }

  /** Deletes an object and notifies watches; false when it did not exist. */
  delete(ref: ObjectRef): boolean {
    const r = this.resourceOf(ref);
    const k = key(r, ref.namespace, ref.name);
    const previous = this.objects.get(k);
    if (!previous) return false;
    this.objects.delete(k);
    const obj = structuredClone(previous);
    obj.metadata.resourceVersion = String(++this.rv);
    this.record({ rv: this.rv, type: "DELETED", resource: r, object: obj, previous });
    return true;
  }

  /** The stored object, or undefined. */
  get(ref: ObjectRef): KubeObject | undefined {
    const o = this.objects.get(key(this.resourceOf(ref), ref.namespace, ref.name));
    return o ? structuredClone(o) : undefined;
  }

  /** Sets the log lines of a container (the current instance, or with `previous` the last terminated one). */
  setLogs(log: PodLog): void {
    this.logs.set(`${log.namespace}/${log.pod}/${log.container}/${log.previous ? "previous" : "current"}`, [...log.lines]);
  }

  /** Applies a scenario step: deletions first, then objects in order, then logs. */
  applyStep(step: ScenarioStep): void {
    for (const ref of step.delete ?? []) this.delete(ref);
    for (const log of step.logs ?? []) this.setLogs(log);
    for (const obj of step.apply) this.apply(obj);
  }

  /** Number of open watch streams, optionally of one resource (plural name). */
  watchCount(resource?: string): number {
    return [...this.watches].filter((w) => resource === undefined || w.resource.resource === resource).length;
  }

  /** Number of watch requests held by {@link pauseWatches}. */
  parkedWatchCount(): number {
    return this.parked.length;
  }

  /**
   * Closes every open watch stream, as a server restart or a load balancer timeout does.
   * `abrupt` destroys the connection instead of ending the response cleanly. Returns how many were closed.
   */
  dropWatches(options: { abrupt?: boolean } = {}): number {
    const n = this.watches.size;
    for (const w of [...this.watches]) this.endWatch(w, options.abrupt ?? false);
    return n;
  }

  /** Holds new watch requests (no response) until {@link resumeWatches}; lists still work. */
  pauseWatches(): void {
    this.paused = true;
  }

  /** Serves the watch requests held since {@link pauseWatches} and stops holding new ones. */
  resumeWatches(): void {
    this.paused = false;
    for (const p of this.parked.splice(0)) {
      if (!p.res.writableEnded && !p.req.destroyed) this.startWatch(p.url, p.resource, p.namespace, p.res, p.req);
    }
  }

  /**
   * Compacts history: every resourceVersion handed out so far becomes too old, so the next
   * watch from one of them gets an ERROR event with a 410 Expired Status (as from the real
   * watch cache). A fresh list returns a resourceVersion that can be watched again.
   */
  expireResourceVersions(): void {
    this.rv++;
    this.compactedRv = this.rv;
  }

  /** Sends a BOOKMARK with the current resourceVersion to watches that asked for bookmarks. */
  sendBookmarks(): void {
    for (const w of this.watches) {
      if (!w.bookmarks) continue;
      const object = { kind: w.resource.kind, apiVersion: groupVersion(w.resource), metadata: { resourceVersion: String(this.rv) } };
      w.res.write(`${JSON.stringify({ type: "BOOKMARK", object })}\n`);
    }
  }

  /** Stops the server and closes every connection (watches, held requests and handshakes included). */
  async close(): Promise<void> {
    this.closing = true;
    for (const w of [...this.watches]) this.endWatch(w, true);
    for (const p of this.parked.splice(0)) p.res.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  private track(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
  }

  private resourceOf(ref: { apiVersion: string; kind: string }): ResourceType {
    const r = resourceForObject(ref.apiVersion, ref.kind, this.resources);
    if (!r) throw new Error(`fake-kube does not serve ${ref.apiVersion} ${ref.kind}`);
    return r;
  }

  private record(entry: HistoryEntry): void {
    this.history.push(entry);
    for (const w of this.watches) this.deliver(w, entry);
  }

  private eventFor(w: WatchStream, e: HistoryEntry): { type: string; object: KubeObject } | undefined {
    if (e.resource !== w.resource) return undefined;
    const matches = (o: KubeObject | undefined): boolean =>
      o !== undefined && (w.namespace === undefined || o.metadata.namespace === w.namespace) && w.labels(o.metadata.labels ?? {}) && w.fields(o);
    const now = matches(e.object);
    const before = matches(e.previous);
    if (e.type === "DELETED") return before ? { type: "DELETED", object: e.object } : undefined;
    if (now && before) return { type: "MODIFIED", object: e.object };
    if (now) return { type: "ADDED", object: e.object };
    if (before) return { type: "DELETED", object: e.object };
    return undefined;
  }

  private deliver(w: WatchStream, e: HistoryEntry): void {
    const ev = this.eventFor(w, e);
    if (ev && !w.res.writableEnded) w.res.write(`${JSON.stringify(ev)}\n`);
  }

  private endWatch(w: WatchStream, abrupt: boolean): void {
    this.watches.delete(w);
    if (w.timer) clearTimeout(w.timer);
    if (abrupt) w.res.socket?.destroy();
    else w.res.end();
  }

  private send(res: ServerResponse, code: number, body: object | string, contentType = "application/json"): void {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(code, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.closing) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? "/", this.url);
    const rec: RequestRecord = { method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), verb: "other", status: 200 };
    this.requests.push(rec);
    const fail = (e: HttpError): void => {
      rec.status = e.code;
      this.send(res, e.code, status(e.code, e.reason, e.message, e.details));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      fail(new HttpError(401, "Unauthorized", "Unauthorized"));
      return;
    }
    try {
      if (rec.method !== "GET") throw new HttpError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`);
      this.route(url, req, res, rec);
    } catch (e) {
      if (e instanceof HttpError) fail(e);
      else fail(new HttpError(500, "InternalError", e instanceof Error ? e.message : String(e)));
    }
  }

  private route(url: URL, req: IncomingMessage, res: ServerResponse, rec: RequestRecord): void {
    const p = url.pathname.replace(/\/+$/, "");
    const segs = p.split("/").filter((s) => s !== "");
    const discovery = (doc: object | undefined): void => {
      rec.verb = "discovery";
      if (!doc) throw new HttpError(404, "NotFound", "the server could not find the requested resource");
      this.send(res, 200, doc);
    };
    if (p === "/version") return discovery(versionInfo());
    if (p === "/api") return discovery(coreVersions(this.url.replace("https://", "")));
    if (p === "/apis") return discovery(groupList(this.resources));
    if (p === "/healthz" || p === "/readyz" || p === "/livez") {
      rec.verb = "discovery";
      return this.send(res, 200, "ok", "text/plain");
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === "api" && segs[1] !== undefined) {
      group = "";
      version = segs[1];
      rest = segs.slice(2);
    } else if (segs[0] === "apis" && segs[1] !== undefined) {
      group = segs[1];
      if (segs[2] === undefined) return discovery(groupDocument(group, this.resources));
      version = segs[2];
      rest = segs.slice(3);
    } else {
      throw new HttpError(404, "NotFound", "the server could not find the requested resource");
    }
    if (rest.length === 0) return discovery(resourceList(group, version, this.resources));
    let namespace: string | undefined;
    if (rest[0] === "namespaces" && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [resourceName, name, sub] = rest;
    const r = resourceName === undefined ? undefined : resourceAt(group, version, resourceName, this.resources);
    if (!r || rest.length > 3) throw new HttpError(404, "NotFound", "the server could not find the requested resource");
    rec.resource = r.resource;
    if (name === undefined) {
      const watch = url.searchParams.get("watch");
      if (watch === "1" || watch === "true") {
        rec.verb = "watch";
        if (r.verbs && !r.verbs.includes("watch"))
          throw new HttpError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        if (this.paused) {
          this.parked.push({ url, resource: r, res, req, ...(namespace !== undefined ? { namespace } : {}) });
          return;
        }
        return this.startWatch(url, r, namespace, res, req);
      }
      rec.verb = "list";
      return this.list(url, r, namespace, req, res);
    }
    if (namespace === undefined && r.namespaced) throw new HttpError(404, "NotFound", "the server could not find the requested resource");
    if (namespace !== undefined && !r.namespaced) throw new HttpError(404, "NotFound", "the server could not find the requested resource");
    if (sub === "log" && namespace !== undefined && r.resource === "pods") {
      rec.verb = "log";
      return this.podLog(url, namespace, name, res);
    }
    if (sub !== undefined) throw new HttpError(404, "NotFound", "the server could not find the requested resource");
    rec.verb = "get";
    const obj = this.objects.get(key(r, namespace, name));
    if (!obj) throw notFound(r, name);
    this.send(res, 200, obj);
  }

  private selectors(url: URL): { labels: (l: Record<string, string>) => boolean; fields: (o: unknown) => boolean } {
    try {
      return { labels: parseLabelSelector(url.searchParams.get("labelSelector")), fields: parseFieldSelector(url.searchParams.get("fieldSelector")) };
    } catch (e) {
      throw badRequest(e instanceof Error ? e.message : String(e));
    }
  }

  private current(r: ResourceType, namespace: string | undefined, url: URL): KubeObject[] {
    const { labels, fields } = this.selectors(url);
    const items = [...this.objects.values()].filter(
      (o) =>
        resourceForObject(o.apiVersion, o.kind, this.resources) === r &&
        (namespace === undefined || o.metadata.namespace === namespace) &&
        labels(o.metadata.labels ?? {}) &&
        fields(o),
    );
    return sortObjects(items);
  }

  private list(url: URL, r: ResourceType, namespace: string | undefined, req: IncomingMessage, res: ServerResponse): void {
    const items = this.current(r, namespace, url);
    const rv = String(this.rv);
    if ((req.headers.accept ?? "").includes("as=Table")) {
      this.send(res, 200, toTable(r, items, rv, this.now()));
      return;
    }
    const stripped = items.map((o) => {
      const { apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    });
    this.send(res, 200, { kind: `${r.kind}List`, apiVersion: groupVersion(r), metadata: { resourceVersion: rv }, items: stripped });
  }

  private startWatch(url: URL, r: ResourceType, namespace: string | undefined, res: ServerResponse, req: IncomingMessage): void {
    const { labels, fields } = this.selectors(url);
    const rvParam = url.searchParams.get("resourceVersion") ?? "";
    const from = rvParam === "" || rvParam === "0" ? undefined : Number(rvParam);
    if (from !== undefined && !Number.isInteger(from)) throw badRequest(`invalid resource version: ${JSON.stringify(rvParam)}`);
    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache, private" });
    res.flushHeaders();
    if (from !== undefined && from < this.compactedRv) {
      const s = status(410, "Expired", `too old resource version: ${from} (${this.compactedRv})`);
      res.end(`${JSON.stringify({ type: "ERROR", object: s })}\n`);
      return;
    }
    const w: WatchStream = {
      resource: r,
      labels,
      fields,
      res,
      bookmarks: url.searchParams.get("allowWatchBookmarks") === "true",
      ...(namespace !== undefined ? { namespace } : {}),
    };
    if (from === undefined) {
      for (const o of this.current(r, namespace, url)) res.write(`${JSON.stringify({ type: "ADDED", object: o })}\n`);
    } else {
      for (const e of this.history) if (e.rv > from) this.deliver(w, e);
    }
    const timeout = Number(url.searchParams.get("timeoutSeconds") ?? "0");
    if (timeout > 0) w.timer = setTimeout(() => this.endWatch(w, false), timeout * 1000);
    this.watches.add(w);
    const forget = (): void => {
      this.watches.delete(w);
      if (w.timer) clearTimeout(w.timer);
    };
    req.on("close", forget);
    res.on("close", forget);
  }

  private podLog(url: URL, namespace: string, name: string, res: ServerResponse): void {
    const pod = this.objects.get(`/pods/${namespace}/${name}`);
    if (!pod) throw new HttpError(404, "NotFound", `pods "${name}" not found`, { name, group: "", kind: "pods" });
    const spec = (pod.spec ?? {}) as { containers?: { name: string }[] };
    const containers = (spec.containers ?? []).map((c) => c.name);
    let container = url.searchParams.get("container") ?? undefined;
    if (container === undefined) {
      if (containers.length !== 1) {
        throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(" ")}]`);
      }
      container = containers[0];
    }
    if (container === undefined || !containers.includes(container)) throw badRequest(`container ${container ?? ""} is not valid for pod ${name}`);
    const previous = url.searchParams.get("previous") === "true";
    const lines = this.logs.get(`${namespace}/${name}/${container}/${previous ? "previous" : "current"}`);
    if (lines === undefined && previous) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    const tail = url.searchParams.get("tailLines");
    const all = lines ?? [];
    const n = tail === null ? all.length : Math.max(0, Math.min(all.length, Number(tail)));
    const selected = all.slice(all.length - n);
    this.send(res, 200, selected.map((l) => `${l}\n`).join(""), "text/plain");
  }
}
