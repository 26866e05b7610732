import { Hono } from "hono";
import { receiveStripeWebhook } from "@/server/billing/billing.service";
import type { Services } from "@/server/services";
import { sendError } from "../../error-envelope";
import { readBodyBytes } from "../../read-body";

/** Stripe's event payloads are a few KB; the app-wide limit for webhooks (64 KB) applies. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Stripe's webhook endpoint. The signature is checked by the Stripe library on the raw bytes,
 * exactly as received (never a re-serialised JSON), in the service; a bad one is a 400 and
 * changes nothing. 404 while billing is off.
 */
export function stripeWebhookRoutes(s: Services) {
  const app = new Hono();
  app.post("/", async (c) => {
    if (!s.stripe) return sendError(c, 404, "NOT_FOUND", "Billing is not enabled on this server.");
    const body = await readBodyBytes(c, MAX_BODY_BYTES);
    const outcome = await receiveStripeWebhook(s, body, c.req.header("stripe-signature"));
    return c.json({ received: true, duplicate: outcome.duplicate });
  });
  return app;
}
