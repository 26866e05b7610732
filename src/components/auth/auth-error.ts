/**
 * Turns an auth client error into one sentence for the user. Better Auth errors carry
 * `message`; PingPilot's own envelope (e.g. the 429 throttle) nests it under `error`.
 */
export type AuthClientError = {
  status?: number;
  statusText?: string;
  message?: string;
  code?: string;
  error?: { code?: string; message?: string };
};

export function authErrorMessage(error: AuthClientError | null | undefined, fallback = "Something went wrong. Please try again."): string {
  if (!error) return fallback;
  const nested = error.error?.message;
  if (nested) return nested;
  if (error.status === 429) return "Too many attempts. Please wait a moment and try again.";
  if (error.message) return sentence(error.message);
  if (error.status === 0 || error.statusText === "Fetch Error") return "PingPilot could not be reached. Check your connection and try again.";
  return fallback;
}

export function authErrorCode(error: AuthClientError | null | undefined): string | undefined {
  return error?.error?.code ?? error?.code;
}

function sentence(text: string) {
  const trimmed = text.trim();
  const capitalised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** Plain words for the `?error=` codes OAuth and magic-link callbacks append to /sign-in. */
const CALLBACK_ERRORS: Record<string, string> = {
  access_denied: "You cancelled the sign-in with the provider. Nothing was changed.",
  state_mismatch: "The sign-in took too long or was started in another tab. Please try again.",
  please_restart_the_process: "The sign-in took too long or was started in another tab. Please try again.",
  invalid_code: "The provider's sign-in code was not accepted. Please try again.",
  invalid_callback_request: "The provider's answer was incomplete. Please try again.",
  email_not_found: "The provider did not share an email address, so PingPilot cannot sign you in with it.",
  "email_doesn't_match": "That provider account uses a different email address.",
  account_not_linked: "This email already has a PingPilot account. Sign in with your password or an email link first.",
  unable_to_link_account: "This email already has a PingPilot account that could not be linked to the provider.",
  unable_to_create_user: "PingPilot could not create your account. Please try again.",
  unable_to_create_session: "PingPilot could not start your session. Please try again.",
  signup_disabled: "New sign-ups are turned off on this PingPilot instance.",
  ACCOUNT_SUSPENDED: "This account is suspended by the operator of this PingPilot instance. Contact them to restore it.",
  oauth_provider_not_found: "That sign-in provider is not configured on this PingPilot instance.",
  internal_server_error: "Something went wrong on the server. Please try again.",
  INVALID_TOKEN: "That sign-in link is invalid or was already used. Request a new one.",
  EXPIRED_TOKEN: "That sign-in link has expired. Request a new one.",
  new_user_signup_disabled: "New sign-ups are turned off on this PingPilot instance.",
  failed_to_create_user: "PingPilot could not create your account. Please try again.",
  failed_to_create_session: "PingPilot could not start your session. Please try again.",
};

export function callbackErrorMessage(code: string | undefined): string | undefined {
  if (!code) return undefined;
  const known = CALLBACK_ERRORS[code] ?? CALLBACK_ERRORS[code.toLowerCase()];
  if (known) return known;
  const words = code.replace(/[_-]+/g, " ").toLowerCase().slice(0, 80);
  return `Sign-in did not complete (${words}). Please try again.`;
}
