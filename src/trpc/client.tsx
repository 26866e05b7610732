"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import type { AppRouter } from "@/server/trpc/root";
import { WORKSPACE_HEADER } from "@/shared/auth-cookies";
import { TRPC_MAX_BATCH_SIZE } from "@/shared/trpc-limits";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * The workspace this browser tab shows (set by the page that resolved it), sent with every call
 * so two tabs in different workspaces each act in their own. A tab is one JavaScript realm, so a
 * module variable is per tab; on the server it is never read (no calls are made while rendering).
 */
let tabWorkspaceId: string | null = null;

export function setRequestWorkspace(id: string | null) {
  if (typeof window !== "undefined") tabWorkspaceId = id;
}

export function TrpcReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 30_000 } } }));
  // The server refuses larger batches.
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: "/trpc", maxItems: TRPC_MAX_BATCH_SIZE, headers: () => (tabWorkspaceId ? { [WORKSPACE_HEADER]: tabWorkspaceId } : {}) })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
