import { WORKSPACE_PARAM } from "./auth-cookies";

/**
 * A link into the app that opens in a given workspace (notifications, mail, deep links): the
 * page switches to it when the reader is a member, and sign-in keeps it through `redirect_url`.
 */
export function workspaceLink(appUrl: string, path: string, slug: string) {
  const url = new URL(path, appUrl);
  url.searchParams.set(WORKSPACE_PARAM, slug);
  return url.toString();
}
