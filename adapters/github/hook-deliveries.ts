/**
 * The App's webhook deliveries as GitHub recorded them (`GET /app/hook/deliveries`) and asking for
 * one again (`POST /app/hook/deliveries/{id}/attempts`). Both authenticate as the App (its JWT
 * client), not as an installation.
 */
import { z } from "zod";
import type { GitHub } from "./types.js";

/** One delivery as listed (the fields the reconcile pass reads). */
export const HookDelivery = z.object({
  id: z.number().int(),
  guid: z.string(),
  event: z.string(),
  action: z.string().nullable(),
  status: z.string(),
  status_code: z.number().int(),
  delivered_at: z.string(),
  redelivery: z.boolean(),
  repository_id: z.number().int().nullable(),
});
export type HookDelivery = z.infer<typeof HookDelivery>;

/** The deliveries of the last `since`, newest first (listing stops at the first older one). */
export async function listHookDeliveries(app: GitHub, since: Date): Promise<HookDelivery[]> {
  const out: HookDelivery[] = [];
  await app.paginate(app.rest.apps.listWebhookDeliveries, { per_page: 100 }, (response, done) => {
    for (const raw of response.data) {
      const parsed = HookDelivery.safeParse(raw);
      if (!parsed.success) continue;
      if (Date.parse(parsed.data.delivered_at) < since.getTime()) {
        done();
        break;
      }
      out.push(parsed.data);
    }
    return [];
  });
  return out;
}

/** Asks GitHub to deliver `id` again. */
export async function redeliverHookDelivery(app: GitHub, id: number): Promise<void> {
  await app.rest.apps.redeliverWebhookDelivery({ delivery_id: id });
}
