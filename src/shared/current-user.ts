export type Plan = "FREE" | "PRO" | "ENTERPRISE";

/** What pages and client components know about the signed-in user. */
export type CurrentUser = {
  id: string;
  externalId: string;
  email: string;
  name: string;
  image: string | null;
  emailVerified: boolean;
  plan: Plan;
};
