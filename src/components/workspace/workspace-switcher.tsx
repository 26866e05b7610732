"use client";
import { useQuery } from "@tanstack/react-query";
import { Check, ChevronsUpDown, Plus, Users } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { DropdownMenu, DropdownMenuContent, DropdownMenuGroup, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { ROLE_LABELS, useCurrentWorkspace, workspaceHome } from "@/lib/current-workspace";
import { cn, initialsOf } from "@/lib/utils";
import { useTRPC } from "@/trpc/client";
import { WorkspaceCreateDialog } from "./workspace-create-dialog";

/** The workspace's initials on a tile, so workspaces tell apart at a glance. */
export function WorkspaceMark({ name, className }: { name: string; className?: string }) {
  return (
    <span aria-hidden className={cn("grid size-8 shrink-0 place-items-center rounded-lg bg-primary-soft text-xs font-semibold text-primary-soft-foreground", className)}>
      {initialsOf(name)}
    </span>
  );
}

/**
 * The current workspace at the top of the navigation; opens the list of the user's workspaces
 * and "Create workspace". Switching is a full page load of the other workspace's dashboard.
 */
export function WorkspaceSwitcher({ onNavigate }: { onNavigate?: () => void }) {
  const trpc = useTRPC();
  const current = useCurrentWorkspace();
  const [open, setOpen] = useState(false);
  const [creating, setCreating] = useState(false);
  const list = useQuery(trpc.workspace.list.queryOptions());
  if (!current) return null;
  const workspaces = list.data ?? [current];

  return (
    <>
      <DropdownMenu open={open} onOpenChange={setOpen}>
        <DropdownMenuTrigger
          data-testid="workspace-switcher"
          aria-label={`Workspace: ${current.name}. Switch workspace`}
          className="flex w-full min-w-0 items-center gap-2.5 rounded-lg border bg-card px-2 py-1.5 text-left shadow-xs transition-colors outline-none hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring data-[state=open]:bg-accent"
        >
          <WorkspaceMark name={current.name} />
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-medium" data-testid="current-workspace" title={current.name}>
              {current.name}
            </span>
            <span className="block truncate text-xs text-muted-foreground">{ROLE_LABELS[current.role]}</span>
          </span>
          <ChevronsUpDown className="size-4 shrink-0 text-muted-foreground" aria-hidden />
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-[var(--radix-dropdown-menu-trigger-width)] min-w-64 max-w-[calc(100vw-1rem)]">
          <DropdownMenuLabel className="text-xs font-medium text-muted-foreground">Workspaces</DropdownMenuLabel>
          <DropdownMenuGroup className="max-h-72 overflow-y-auto">
            {workspaces.map((workspace) => {
              const isCurrent = workspace.id === current.id;
              return (
                <DropdownMenuItem key={workspace.id} asChild>
                  {/* A plain link: a full page load, so the whole page re-resolves the workspace. */}
                  <a href={workspaceHome(workspace.slug)} aria-current={isCurrent ? "page" : undefined} data-testid="workspace-option">
                    <WorkspaceMark name={workspace.name} className="size-6 rounded-md text-[10px]" />
                    <span className="min-w-0 flex-1">
                      <span className="block truncate" title={workspace.name}>
                        {workspace.name}
                      </span>
                      <span className="block text-xs text-muted-foreground">{ROLE_LABELS[workspace.role]}</span>
                    </span>
                    {isCurrent ? <Check className="ml-auto" aria-label="Current workspace" /> : null}
                  </a>
                </DropdownMenuItem>
              );
            })}
            {list.isPending ? <p className="px-2 py-1.5 text-xs text-muted-foreground">Loading your workspaces…</p> : null}
            {list.isError ? <p className="px-2 py-1.5 text-xs text-destructive-soft-foreground">Your other workspaces could not load.</p> : null}
          </DropdownMenuGroup>
          <DropdownMenuSeparator />
          <DropdownMenuItem asChild>
            <Link href="/dashboard/settings/members" onClick={onNavigate}>
              <Users aria-hidden /> Members
            </Link>
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={() => setCreating(true)}>
            <Plus aria-hidden /> Create workspace
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <WorkspaceCreateDialog open={creating} onOpenChange={setCreating} />
    </>
  );
}
