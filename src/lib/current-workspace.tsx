"use client";
import { createContext, useContext, useEffect, type ReactNode } from "react";
import { WORKSPACE_COOKIE, WORKSPACE_PARAM } from "@/shared/auth-cookies";
import type { CurrentWorkspace, WorkspaceRole } from "@/shared/current-user";
import { setRequestWorkspace } from "@/trpc/client";

const Workspace = createContext<CurrentWorkspace | null>(null);

const ONE_YEAR_S = 60 * 60 * 24 * 365;

/** Makes this tab's workspace the one the next page load opens (the cookie the proxy also sets). */
function rememberWorkspace(slug: string) {
  const secure = window.location.protocol === "https:" ? "; secure" : "";
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not in every supported browser; the value is an encoded slug
  document.cookie = `${WORKSPACE_COOKIE}=${encodeURIComponent(slug)}; path=/; max-age=${ONE_YEAR_S}; samesite=lax${secure}`;
}

/**
 * The workspace the server resolved for this page, for client components. Every tRPC call of
 * the tab names it (header), and whenever the tab gets the focus it becomes the remembered one,
 * so pages it opens next render in the same workspace even when another tab switched meanwhile.
 */
export function CurrentWorkspaceProvider({ workspace, children }: { workspace: CurrentWorkspace; children: ReactNode }) {
  // Set while rendering, before any child's query starts.
  setRequestWorkspace(workspace.id);
  const { slug } = workspace;
  useEffect(() => {
    rememberWorkspace(slug);
    const onFocus = () => rememberWorkspace(slug);
    const onVisible = () => document.visibilityState === "visible" && rememberWorkspace(slug);
    window.addEventListener("focus", onFocus);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.removeEventListener("focus", onFocus);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [slug]);
  return <Workspace.Provider value={workspace}>{children}</Workspace.Provider>;
}

/** The workspace this page shows; null outside a page that resolved one. */
export function useCurrentWorkspace() {
  return useContext(Workspace);
}

const RANK: Record<WorkspaceRole, number> = { member: 1, admin: 2, owner: 3 };

/** What the signed-in member may do here; the server enforces the same rules (FORBIDDEN). */
export function useWorkspaceRole() {
  const workspace = useCurrentWorkspace();
  const role = workspace?.role ?? "member";
  return { role, canManage: RANK[role] >= RANK.admin, isOwner: role === "owner" };
}

/** The sentence shown where a member sees what only owners and admins may change. */
export const ADMIN_ONLY = "Only the workspace's owners and admins can change this.";

/**
 * The dashboard of a workspace. Always opened with a full page load (window.location or a plain
 * <a>), so the server components resolve the new workspace and the query cache starts empty.
 */
export const workspaceHome = (slug: string) => `/dashboard?${WORKSPACE_PARAM}=${encodeURIComponent(slug)}`;

export const ROLE_LABELS: Record<WorkspaceRole, string> = { owner: "Owner", admin: "Admin", member: "Member" };
