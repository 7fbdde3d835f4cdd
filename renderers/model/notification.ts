/** `spec.notifications` of the Platform: where Ferry tells people what happened (chat, webhooks). */
import { z } from "zod";
import { DnsLabel } from "./common.js";

/** What Ferry may tell a notification about. */
export const NOTIFICATION_EVENTS = [
  "release.landed",
  "release.failed",
  "promotion.opened",
  "promotion.merged",
  "verify.failed",
  "rollback.opened",
  "freeze.broken",
] as const;

export const NotificationEventType = z.enum(NOTIFICATION_EVENTS);
export type NotificationEventType = z.infer<typeof NotificationEventType>;

/** The name of an environment variable of the app's process (never its value: URLs and secrets stay out of git). */
export const ProcessVariable = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, {
  error: (iss) => `${JSON.stringify(iss.input)} is not an environment variable name (upper-case letters, digits and _, e.g. FERRY_SLACK_URL)`,
});

export const Notification = z
  .strictObject({
    /** Names the notification in logs and metrics. */
    name: DnsLabel,
    /** `slack` (incoming webhook, Block Kit), `teams` (Adaptive Card) or `webhook` (JSON, signed in `X-Ferry-Signature-256`). */
    type: z.enum(["slack", "teams", "webhook"]),
    /** The environment variable holding the URL Ferry posts to. */
    urlEnv: ProcessVariable,
    /** For `webhook`: the environment variable holding the HMAC SHA-256 key of `X-Ferry-Signature-256`. */
    secretEnv: ProcessVariable.optional(),
    /** The events sent. */
    events: z.array(NotificationEventType).min(1),
    /** Only events in these environments. @default every environment */
    environments: z.array(DnsLabel).min(1).optional(),
    /** Only events of these projects. @default every project */
    projects: z.array(DnsLabel).min(1).optional(),
  })
  .superRefine((n, ctx) => {
    if (n.type === "webhook" && n.secretEnv === undefined)
      ctx.addIssue({ code: "custom", path: ["secretEnv"], message: "a webhook notification is signed: secretEnv names the variable holding its key" });
    if (n.type !== "webhook" && n.secretEnv !== undefined)
      ctx.addIssue({ code: "custom", path: ["secretEnv"], message: `only a webhook notification is signed; ${n.type} takes no secretEnv` });
  });
export type Notification = z.infer<typeof Notification>;
