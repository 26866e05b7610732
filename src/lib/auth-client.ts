"use client";
import { magicLinkClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

/** Better Auth's browser client, same origin (/api/auth). */
export const authClient = createAuthClient({ plugins: [magicLinkClient()] });
