/** Sessions end 30 days after sign-in whatever the activity. */
export const ABSOLUTE_SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** Set by the HTTP layer only (client copies are stripped); Better Auth reads the client IP from it. */
export const CLIENT_IP_HEADER = "x-pingpilot-client-ip";
