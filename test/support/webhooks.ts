/**
 * Real webhook payloads for tests, from `@octokit/webhooks-examples` (GitHub's documented example
 * deliveries), adjusted per case; GitHub's signature; and delivery to a Probot app either as a
 * signed HTTP POST or straight through `probot.receive`.
 *
 * ```ts
 * const body = payload("pull_request", "opened", { repo: "acme/app", sha, number: 3, branch: "feature" });
 * const res = await deliver(server.url, "pull_request", body, { secret });
 * await receive(probot, "push", payload("push", undefined, { repo: "acme/app", sha, files: { modified: [".ferry/api.yaml"] } }));
 * ```
 */
import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { Probot } from "probot";
import type { EmitterWebhookEvent, WebhookEventName } from "@octokit/webhooks/types";

/** The payload type of an event. */
export type WebhookPayload<E extends WebhookEventName> = EmitterWebhookEvent<E>["payload"];

/** One event's entry in `@octokit/webhooks-examples`. */
interface ExampleDefinition {
  readonly name: string;
  readonly actions: readonly string[];
  readonly examples: readonly Record<string, unknown>[];
}

type Obj = Record<string, unknown>;

/** Deeply partial: what {@link PayloadAdjust.overrides} accepts. */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | null } : T;

/** Common adjustments; each applies where the event has the field. */
export interface PayloadAdjust<E extends WebhookEventName = WebhookEventName> {
  /** `owner/name`: rewrites the repository (and every URL naming it), PR base/head repositories, organization. */
  readonly repo?: string;
  /** Default branch reported for the repository. @default "main" when `repo` is given */
  readonly defaultBranch?: string;
  /** `installation.id`. @default 1 (examples without an installation get one) */
  readonly installationId?: number;
  /** `sender.login`. */
  readonly sender?: string;
  /** Head commit: push `after`/`head_commit.id`, PR `head.sha`, check run/suite and workflow run `head_sha`, review `commit_id`. */
  readonly sha?: string;
  /** push `before`, PR `base.sha`. */
  readonly before?: string;
  /** Branch: push `ref` (`refs/heads/<branch>`), PR `head.ref`, check suite and workflow run `head_branch`. */
  readonly branch?: string;
  /** PR `base.ref`. */
  readonly baseBranch?: string;
  /** PR or issue number (also `issue.pull_request` links). */
  readonly number?: number;
  /** Comment or review body. */
  readonly body?: string;
  /** Files of the pushed head commit (push only). */
  readonly files?: { readonly added?: readonly string[]; readonly modified?: readonly string[]; readonly removed?: readonly string[] };
  /** Deep-merged last: objects merge, arrays and scalars replace, `null` sets null. */
  readonly overrides?: DeepPartial<WebhookPayload<E>>;
}

const requireJson = createRequire(import.meta.url);

/** Every example definition (loaded from the package each call: no module state). */
export function exampleDefinitions(): readonly ExampleDefinition[] {
  return requireJson("@octokit/webhooks-examples/api.github.com/index.json") as ExampleDefinition[];
}

/** The unmodified examples of an event, optionally only those with an action. */
export function examples(event: string, action?: string): Obj[] {
  const def = exampleDefinitions().find((d) => d.name === event);
  if (!def) throw new Error(`@octokit/webhooks-examples has no "${event}" event`);
  const list = def.examples.filter((e) => action === undefined || e.action === action);
  if (list.length === 0) {
    const actions = [...new Set(def.examples.map((e) => String(e.action)))].join(", ");
    throw new Error(`no "${event}" example with action "${action}" (examples have: ${actions})`);
  }
  return list.map((e) => structuredClone(e));
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Deep merge: objects merge recursively, everything else (arrays included) replaces; `undefined` is skipped. */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (!isObj(base) || !isObj(patch)) return (patch === undefined ? base : patch) as T;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = isObj(v) && isObj(out[k]) ? deepMerge(out[k], v) : structuredClone(v);
  }
  return out as T;
}

/** Preference among several examples: with an installation, and for push a branch push with commits. */
function score(event: string, e: Obj): number {
  let s = e.installation ? 2 : 0;
  if (event === "push") {
    if (typeof e.ref === "string" && e.ref.startsWith("refs/heads/")) s += 4;
    if (Array.isArray(e.commits) && e.commits.length > 0) s += 1;
  }
  return s;
}

function replaceStrings(value: unknown, from: RegExp, to: string): unknown {
  if (typeof value === "string") return value.replace(from, to);
  if (Array.isArray(value)) return value.map((v) => replaceStrings(v, from, to));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceStrings(v, from, to)]));
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function get(o: unknown, ...path: string[]): Obj | undefined {
  let cur: unknown = o;
  for (const p of path) cur = isObj(cur) ? cur[p] : undefined;
  return isObj(cur) ? cur : undefined;
}

function setRepository(p: Obj, fullName: string, defaultBranch: string): Obj {
  const original = get(p, "repository")?.full_name;
  let out = p;
  if (typeof original === "string" && original !== fullName) {
    out = replaceStrings(out, new RegExp(escapeRegExp(original), "g"), fullName) as Obj;
  }
  const [owner = "", name = ""] = fullName.split("/");
  for (const repo of [get(out, "repository"), get(out, "pull_request", "base", "repo"), get(out, "pull_request", "head", "repo")]) {
    if (!repo) continue;
    repo.name = name;
    repo.full_name = fullName;
    repo.default_branch = defaultBranch;
    if ("master_branch" in repo) repo.master_branch = defaultBranch;
    const ownerObj = get(repo, "owner");
    if (ownerObj) {
      const oldLogin = String(ownerObj.login);
      Object.assign(ownerObj, replaceStrings(ownerObj, new RegExp(`/${escapeRegExp(oldLogin)}(?=$|[/{?])`, "g"), `/${owner}`));
      ownerObj.login = owner;
      ownerObj.name = owner;
    }
  }
  const org = get(out, "organization");
  if (org) org.login = owner;
  return out;
}

/**
 * A real example payload of `event` (with `action`), adjusted. Picks the most app-like example
 * (one with an installation; for push, a branch push with commits), then applies the adjustments.
 */
export function payload<E extends WebhookEventName>(event: E, action?: string, adjust: PayloadAdjust<E> = {}): WebhookPayload<E> {
  const candidates = examples(event, action);
  let p = candidates.reduce((best, e) => (score(event, e) > score(event, best) ? e : best));
  if (adjust.repo) p = setRepository(p, adjust.repo, adjust.defaultBranch ?? "main");
  else if (adjust.defaultBranch) {
    const repo = get(p, "repository");
    if (repo) repo.default_branch = adjust.defaultBranch;
  }
  p.installation = {
    ...(get(p, "installation") ?? { node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" }),
    id: adjust.installationId ?? Number(get(p, "installation")?.id ?? 1),
  };
  if (adjust.sender) {
    const sender = get(p, "sender");
    if (sender) sender.login = adjust.sender;
  }
  const pr = get(p, "pull_request");
  const suite = get(p, "check_run", "check_suite") ?? get(p, "check_suite");
  if (adjust.sha !== undefined) {
    if (event === "push") {
      p.after = adjust.sha;
      const head = get(p, "head_commit");
      if (head) head.id = adjust.sha;
      const commits = Array.isArray(p.commits) ? (p.commits as Obj[]) : [];
      const last = commits.at(-1);
      if (last) last.id = adjust.sha;
    }
    const prHead = get(pr, "head");
    if (prHead) prHead.sha = adjust.sha;
    const checkRun = get(p, "check_run");
    if (checkRun) checkRun.head_sha = adjust.sha;
    if (suite) suite.head_sha = adjust.sha;
    const run = get(p, "workflow_run");
    if (run) run.head_sha = adjust.sha;
    const review = get(p, "review");
    if (review) review.commit_id = adjust.sha;
  }
  if (adjust.before !== undefined) {
    if (event === "push") p.before = adjust.before;
    const prBase = get(pr, "base");
    if (prBase) prBase.sha = adjust.before;
  }
  if (adjust.branch !== undefined) {
    if (event === "push") p.ref = `refs/heads/${adjust.branch}`;
    const prHead = get(pr, "head");
    if (prHead) {
      prHead.ref = adjust.branch;
      prHead.label = `${String(get(prHead, "user")?.login ?? "")}:${adjust.branch}`;
    }
    if (suite) suite.head_branch = adjust.branch;
    const run = get(p, "workflow_run");
    if (run) run.head_branch = adjust.branch;
  }
  if (adjust.baseBranch !== undefined) {
    const prBase = get(pr, "base");
    if (prBase) {
      prBase.ref = adjust.baseBranch;
      prBase.label = `${String(get(prBase, "user")?.login ?? "")}:${adjust.baseBranch}`;
    }
  }
  if (adjust.number !== undefined) {
    if ("number" in p) p.number = adjust.number;
    if (pr) pr.number = adjust.number;
    const issue = get(p, "issue");
    if (issue) issue.number = adjust.number;
  }
  if (adjust.body !== undefined) {
    const target = get(p, "comment") ?? get(p, "review");
    if (target) target.body = adjust.body;
  }
  if (adjust.files && event === "push") {
    const files = { added: [...(adjust.files.added ?? [])], modified: [...(adjust.files.modified ?? [])], removed: [...(adjust.files.removed ?? [])] };
    const head = get(p, "head_commit");
    if (head) Object.assign(head, files);
    const commits = Array.isArray(p.commits) ? (p.commits as Obj[]) : [];
    for (const c of commits) Object.assign(c, files);
  }
  if (adjust.overrides !== undefined) p = deepMerge(p, adjust.overrides);
  return p as WebhookPayload<E>;
}

/** GitHub's `X-Hub-Signature-256` value for a body: `sha256=<hex HMAC-SHA256>`. */
export function sign(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Options of {@link deliver}. */
export interface DeliverOptions {
  /** Secret to sign with; omitted: no signature header. */
  readonly secret?: string;
  /** Use this signature header instead of computing one (e.g. a wrong one). */
  readonly signature?: string;
  /** `X-GitHub-Delivery`. @default a random UUID */
  readonly id?: string;
}

/** What the webhook endpoint answered. */
export interface DeliveryResult {
  readonly status: number;
  readonly body: string;
  readonly id: string;
}

function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host)) throw new Error(`tests only deliver to 127.0.0.1/localhost, not ${host}`);
}

/** POSTs a delivery the way GitHub does: JSON body, event/delivery/signature headers. */
export async function deliver(url: string, event: string, body: unknown, opts: DeliverOptions = {}): Promise<DeliveryResult> {
  assertLocal(url);
  const id = opts.id ?? randomUUID();
  const text = JSON.stringify(body);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/fake",
    "x-github-event": event,
    "x-github-delivery": id,
    "x-github-hook-id": "1",
    "x-github-hook-installation-target-type": "integration",
  };
  const signature = opts.signature ?? (opts.secret !== undefined ? sign(text, opts.secret) : undefined);
  if (signature !== undefined) headers["x-hub-signature-256"] = signature;
  const res = await fetch(url, { method: "POST", headers, body: text });
  return { status: res.status, body: await res.text(), id };
}

/** Hands an event to a Probot instance directly (no HTTP, no signature). */
export async function receive<E extends WebhookEventName>(probot: Probot, event: E, body: WebhookPayload<E>, id: string = randomUUID()): Promise<void> {
  await probot.receive({ id, name: event, payload: body } as EmitterWebhookEvent);
}
