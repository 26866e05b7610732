"use client";
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, type ReactNode } from "react";
import type { CurrentUser } from "@/shared/current-user";
import { useTRPC } from "@/trpc/client";

const InitialUser = createContext<CurrentUser | null | undefined>(undefined);

/** Seeds useCurrentUser with the user the server already resolved, so the page makes no second lookup. */
export function CurrentUserProvider({ user, children }: { user: CurrentUser | null; children: ReactNode }) {
  return <InitialUser.Provider value={user}>{children}</InitialUser.Provider>;
}

/** The signed-in user in client components. */
export function useCurrentUser() {
  const initial = useContext(InitialUser);
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.user.me.queryOptions(), initialData: initial ?? undefined, retry: false, enabled: initial !== null });
  const user = query.data ?? null;
  return { user, isLoaded: initial !== undefined || !query.isPending, isSignedIn: user !== null };
}
