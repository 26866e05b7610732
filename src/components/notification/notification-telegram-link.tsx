"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, LoaderCircle, Unlink } from "lucide-react";
import { useEffect, useState } from "react";
import { toast } from "sonner";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";
import { formatTimeExact } from "@/lib/format-precise-time";
import { useTRPC } from "@/trpc/client";
import type { ChannelSetting } from "./notification-channel-card";
import { errorMessage } from "@/lib/app-error";

const POLL_MS = 3_000;
const chatIdOf = (setting: ChannelSetting | undefined) => {
  const chatId = setting?.config.chatId;
  return typeof chatId === "string" || typeof chatId === "number" ? String(chatId) : null;
};

/** Links a Telegram chat: a one-time `/start <code>` for the bot, then waits for the bot to see it. */
export function NotificationTelegramLink({ setting }: { setting: ChannelSetting }) {
  const trpc = useTRPC();
  const chatId = chatIdOf(setting);
  const username = typeof setting.config.username === "string" ? setting.config.username : null;
  const [pending, setPending] = useState<{ command: string; expiresAt: string; chatIdBefore: string | null } | null>(null);
  const [expired, setExpired] = useState(false);

  const queryClient = useQueryClient();
  const unlink = useMutation(
    trpc.notification.telegramUnlink.mutationOptions({
      onSuccess: async () => {
        setPending(null);
        toast.success("Telegram unlinked");
        await queryClient.invalidateQueries({ queryKey: trpc.notification.list.queryKey() });
      },
    }),
  );

  const createCode = useMutation(
    trpc.notification.telegramLinkCode.mutationOptions({
      onSuccess: (link) => {
        setExpired(false);
        setPending({ command: link.command, expiresAt: link.expiresAt, chatIdBefore: chatId });
      },
    }),
  );

  const waiting = pending !== null && !expired && chatId === pending.chatIdBefore;

  // Another observer of the same list: while waiting it makes react-query refetch every 3 s.
  useQuery({ ...trpc.notification.list.queryOptions(), refetchInterval: waiting ? POLL_MS : false, enabled: waiting });

  useEffect(() => {
    if (!pending) return;
    if (chatId !== pending.chatIdBefore) {
      toast.success("Telegram linked");
      setPending(null);
      return;
    }
    const left = new Date(pending.expiresAt).getTime() - Date.now();
    if (left <= 0) {
      setExpired(true);
      return;
    }
    const timer = setTimeout(() => setExpired(true), left);
    return () => clearTimeout(timer);
  }, [pending, chatId]);

  return (
    <div className="grid min-w-0 gap-3">
      {chatId ? (
        <p className="flex items-center gap-2 text-sm font-medium text-success-soft-foreground" data-testid="telegram-linked">
          <CircleCheck className="size-4 shrink-0" aria-hidden />
          <span className="min-w-0 break-all">Linked to {username ? `@${username}` : `chat ${chatId}`}</span>
        </p>
      ) : (
        <p className="text-sm text-muted-foreground">Not linked yet.</p>
      )}

      {pending && !expired ? (
        <div className="grid min-w-0 gap-2 rounded-lg border bg-muted/40 p-3 sm:p-4">
          <p className="text-sm">Send this to the PingPilot bot in Telegram within 15 minutes:</p>
          <CopyField value={pending.command} testId="telegram-command" className="max-w-lg" />
          <p className="flex items-center gap-2 text-xs text-muted-foreground" role="status">
            <LoaderCircle className="size-3.5 shrink-0 animate-spin" aria-hidden />
            Waiting for your message… (code valid until {formatTimeExact(pending.expiresAt)})
          </p>
        </div>
      ) : null}
      {expired ? <p className="text-sm text-muted-foreground">That code expired. Create a new one.</p> : null}

      {createCode.isError ? <ErrorMessage>{errorMessage(createCode.error)}</ErrorMessage> : null}
      {unlink.isError ? <ErrorMessage>{errorMessage(unlink.error)}</ErrorMessage> : null}
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" disabled={createCode.isPending} onClick={() => createCode.mutate()}>
          {createCode.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
          {chatId ? "Link another chat" : "Create link code"}
        </Button>
        {chatId ? (
          <Button variant="ghost" disabled={unlink.isPending} onClick={() => unlink.mutate()}>
            {unlink.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : <Unlink aria-hidden />}
            Unlink
          </Button>
        ) : null}
      </div>
    </div>
  );
}
