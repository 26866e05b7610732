import Stripe from "stripe";
import type { Env } from "@/env";

export type StripeClient = Stripe;

/** Stripe's answers come in well under this; a slow one fails the request (Checkout) or the webhook (Stripe retries it). */
const TIMEOUT_MS = 15_000;

/**
 * The official Stripe library, or null when billing is off (no STRIPE_SECRET_KEY).
 * STRIPE_API_URL points it at another server (the local fake in tests and `npm run dev:fakes`)
 * through the library's own host/port/protocol options. The API version is the one this
 * library version pins, which its types describe.
 */
export function createStripeClient(env: Pick<Env, "STRIPE_SECRET_KEY" | "STRIPE_API_URL">): StripeClient | null {
  if (!env.STRIPE_SECRET_KEY) return null;
  const api = env.STRIPE_API_URL ? new URL(env.STRIPE_API_URL) : undefined;
  return new Stripe(env.STRIPE_SECRET_KEY, {
    ...(api && {
      host: api.hostname,
      port: api.port || (api.protocol === "http:" ? 80 : 443),
      protocol: api.protocol === "http:" ? "http" : "https",
    }),
    // Retries carry an idempotency key, so a retried create never makes two objects.
    maxNetworkRetries: 2,
    timeout: TIMEOUT_MS,
    // No request-latency telemetry sent to Stripe from a self-hosted server.
    telemetry: false,
    appInfo: { name: "PingPilot" },
  });
}
