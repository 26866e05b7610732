"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { toast } from "sonner";
import { appErrorCode } from "@/lib/app-error";
import { useCurrentUser } from "@/lib/current-user";
import { useCurrentWorkspace } from "@/lib/current-workspace";
import { useLiveEvents } from "@/lib/use-live-events";
import { useTRPC } from "@/trpc/client";

const FLASH_KEY = "pingpilot.flash";

/**
 * Keeps every count the app shell can show in step with the live stream: a new event changes
 * the usage figures and the category cards, so their queries are refetched at once instead of
 * waiting out the cache. Also after a reconnect (not the first connect: the page just loaded),
 * since messages may have been missed while away.
 * When the signed-in member is removed from the workspace (or left it in another tab), the page
 * leaves it: a full load of the dashboard opens a workspace they still belong to.
 */
export function LiveRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user } = useCurrentUser();
  const workspace = useCurrentWorkspace();
  const left = useRef(false);

  const leave = (message: string) => {
    if (left.current) return;
    left.current = true;
    // Said on the next page, which the navigation below replaces this one with.
    sessionStorage.setItem(FLASH_KEY, message);
    window.location.assign("/dashboard");
  };
  useEffect(() => {
    const flash = sessionStorage.getItem(FLASH_KEY);
    if (!flash) return;
    sessionStorage.removeItem(FLASH_KEY);
    toast.info(flash);
  }, []);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.quota.get.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.category.list.queryKey() });
  };

  /**
   * The server ends a removed member's stream, and the reconnect lands here. The tab's calls
   * still name the workspace (header), which the server now refuses with NOT_FOUND.
   */
  const checkStillMember = () => {
    if (!workspace) return;
    const gone = () => leave(`You are no longer a member of ${workspace.name}.`);
    void queryClient.fetchQuery({ ...trpc.workspace.list.queryOptions(), staleTime: 0 }).then(
      (list) => {
        if (!list.some((w) => w.id === workspace.id)) gone();
      },
      (error: unknown) => {
        if (appErrorCode(error) === "NOT_FOUND") gone();
      },
    );
  };

  const connectedBefore = useRef(false);
  useLiveEvents(
    (message) => {
      if (message.type === "event.created") refresh();
      else if (message.type === "monitor.updated") void queryClient.invalidateQueries({ queryKey: trpc.monitor.list.queryKey() });
      else if (message.type === "member.removed") {
        if (user && message.userId === user.id) leave(`You are no longer a member of ${workspace?.name ?? "this workspace"}.`);
        else void queryClient.invalidateQueries({ queryKey: trpc.workspace.members.queryKey() });
      }
    },
    {
      onReady: () => {
        if (connectedBefore.current) {
          refresh();
          checkStillMember();
        }
        connectedBefore.current = true;
      },
    },
  );
  return null;
}
