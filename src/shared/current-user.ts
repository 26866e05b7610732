export type Plan = "FREE" | "PRO" | "ENTERPRISE";

/** What pages and client components know about the signed-in user. */
export type CurrentUser = {
  id: string;
  externalId: string;
  email: string;
  name: string;
  image: string | null;
  emailVerified: boolean;
};

export type WorkspaceRole = "owner" | "admin" | "member";

/** The workspace a page shows, and the signed-in user's role in it. */
export type CurrentWorkspace = { id: string; name: string; slug: string; plan: Plan; role: WorkspaceRole };
