/**
 * What Ferry posts to a notification, built purely: a Slack incoming webhook's Block Kit message, a
 * Microsoft Teams Adaptive Card, or the generic webhook's JSON with the event id, and the
 * webhook's signature (`X-Ferry-Signature-256: sha256=<hex>`, an HMAC SHA-256 of the body, as
 * GitHub signs its webhooks). Texts are plain (no Markdown): the links are buttons.
 */
import { createHmac } from "node:crypto";
import type { Notification } from "../../renderers/model/index.js";
import type { NotificationEvent, NotificationLinks } from "./event.js";

/** The header carrying the generic webhook's signature. */
export const SIGNATURE_HEADER = "X-Ferry-Signature-256";

/** The header carrying the event id (also in the generic webhook's body). */
export const EVENT_ID_HEADER = "X-Ferry-Event-Id";

/** One line saying what happened. */
export function headline(e: NotificationEvent): string {
  const name = `${e.project}/${e.component}`;
  const where = e.cluster ? `${e.environment} (cluster ${e.cluster})` : e.environment;
  const why = e.reason ? `: ${e.reason}` : "";
  switch (e.type) {
    case "release.landed":
      return `Release ${e.release} of ${name} landed in ${where}`;
    case "release.failed":
      return `Release ${e.release} of ${name} failed in ${where}${why}`;
    case "promotion.opened":
      return `Promotion of ${name} release ${e.release} into ${where} opened`;
    case "promotion.merged":
      return `Promotion of ${name} release ${e.release} into ${where} merged`;
    case "verify.failed":
      return `Release ${e.release} of ${name} failed verification in ${where}${why}`;
    case "rollback.opened":
      return `Rollback of ${name} in ${where} to release ${e.release} opened${why}`;
    case "freeze.broken":
      return `${e.by ?? "Someone"} broke the freeze of ${where}: ${name} release ${e.release} promoted${why}`;
  }
}

/** The links as buttons, in a fixed order. */
function buttons(links: NotificationLinks): { readonly title: string; readonly url: string }[] {
  const out: { title: string; url: string }[] = [];
  if (links.pull) out.push({ title: "Pull request", url: links.pull });
  if (links.commit) out.push({ title: "Commit", url: links.commit });
  if (links.portal) out.push({ title: "Portal", url: links.portal });
  return out;
}

function facts(e: NotificationEvent): { readonly title: string; readonly value: string }[] {
  return [
    { title: "Component", value: `${e.project}/${e.component}` },
    { title: "Environment", value: e.cluster ? `${e.environment} (${e.cluster})` : e.environment },
    { title: "Release", value: e.release },
    ...(e.source ? [{ title: "Source", value: `${e.source.repo}@${e.source.sha.slice(0, 7)}` }] : []),
  ];
}

/** A Slack incoming webhook message (Block Kit), `text` as the fallback. */
export function slackMessage(e: NotificationEvent, links: NotificationLinks): object {
  const actions = buttons(links);
  return {
    text: headline(e),
    blocks: [
      { type: "section", text: { type: "plain_text", text: headline(e) } },
      { type: "context", elements: facts(e).map((f) => ({ type: "plain_text", text: `${f.title}: ${f.value}` })) },
      ...(actions.length > 0
        ? [{ type: "actions", elements: actions.map((a) => ({ type: "button", text: { type: "plain_text", text: a.title }, url: a.url })) }]
        : []),
    ],
  };
}

/** A Microsoft Teams incoming webhook message carrying an Adaptive Card. */
export function teamsMessage(e: NotificationEvent, links: NotificationLinks): object {
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", text: headline(e), weight: "Bolder", wrap: true },
            { type: "FactSet", facts: facts(e) },
          ],
          actions: buttons(links).map((a) => ({ type: "Action.OpenUrl", title: a.title, url: a.url })),
        },
      },
    ],
  };
}

/** The generic webhook's JSON: the event id, what happened and the links. */
export function webhookMessage(id: string, e: NotificationEvent, links: NotificationLinks): object {
  return {
    id,
    type: e.type,
    summary: headline(e),
    project: e.project,
    component: e.component,
    environment: e.environment,
    release: e.release,
    ...(e.cluster !== undefined ? { cluster: e.cluster } : {}),
    ...(e.gitops !== undefined ? { gitops: e.gitops } : {}),
    ...(e.commit !== undefined ? { commit: e.commit } : {}),
    ...(e.pull !== undefined ? { pull: e.pull } : {}),
    ...(e.source !== undefined ? { source: e.source } : {}),
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    ...(e.by !== undefined ? { by: e.by } : {}),
    links,
  };
}

/** `sha256=<hex>`: the HMAC SHA-256 of `body` under `secret`. */
export function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** One post: its body and headers (the webhook's signature with its secret). */
export interface NotificationPost {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** What to post to `notification` about `event`; `secret` signs a webhook's body. */
export function notificationPost(
  notification: Pick<Notification, "type">,
  id: string,
  event: NotificationEvent,
  links: NotificationLinks,
  secret?: string,
): NotificationPost {
  const message =
    notification.type === "slack" ? slackMessage(event, links) : notification.type === "teams" ? teamsMessage(event, links) : webhookMessage(id, event, links);
  const body = JSON.stringify(message);
  return {
    body,
    headers: {
      "content-type": "application/json",
      [EVENT_ID_HEADER]: id,
      ...(notification.type === "webhook" && secret !== undefined ? { [SIGNATURE_HEADER]: signatureOf(secret, body) } : {}),
    },
  };
}
