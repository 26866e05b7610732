export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const OIDC_PORT = E2E_PORT + 1;
/** The Discord fake the notification spec starts; the server's DISCORD_API_URL points at it. */
export const DISCORD_FAKE_PORT = E2E_PORT + 2;
export const DISCORD_FAKE_BOT_TOKEN = "fake-bot-token";
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;
/** A second PingPilot with billing on, started by the billing spec (127.0.0.1: its cookies stay apart from localhost's). */
export const BILLING_E2E_PORT = E2E_PORT + 3;
export const BILLING_BASE_URL = `http://127.0.0.1:${BILLING_E2E_PORT}`;
/** The Stripe fake the billing server talks to. */
export const STRIPE_FAKE_PORT = E2E_PORT + 4;
export const OIDC_ISSUER = `http://127.0.0.1:${OIDC_PORT}`;
export const OIDC_NAME = "Acme SSO";
export const STATE_DIR = new URL("../.state/", import.meta.url).pathname;
export const MAIL_DIR = `${STATE_DIR}mail/`;
