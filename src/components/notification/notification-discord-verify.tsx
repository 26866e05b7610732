"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, KeyRound, LoaderCircle, Send } from "lucide-react";
import { useId, useState, type KeyboardEvent, type ReactNode } from "react";
import { toast } from "sonner";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth-client";
import { formatTimeExact } from "@/lib/format-precise-time";
import { useTRPC } from "@/trpc/client";
import type { ChannelSetting } from "./notification-channel-card";
import { errorMessage } from "@/lib/app-error";

const stringOf = (value: unknown) => (typeof value === "string" ? value : "");

/**
 * Proves the Discord user ID is the user's before the bot DMs it: a one-time code the bot sends
 * to that ID, typed back here; or, when this server has Discord sign-in, the connected account.
 */
export function NotificationDiscordVerify({ setting, draft, onProgress }: { setting: ChannelSetting; draft: string; onProgress: () => void }) {
  const discord = setting.discord;
  if (!discord) return null;
  const savedId = stringOf(setting.config.discordUserId);
  if (discord.idFromSignIn) return <ConnectDiscord verified={discord.verified} discordUserId={savedId} />;
  return <CodeVerification setting={setting} draft={draft.trim()} savedId={savedId} verified={discord.verified} pending={discord.pending} onProgress={onProgress} />;
}

function Verified({ children }: { children: ReactNode }) {
  return (
    <p className="flex items-start gap-2 text-sm font-medium text-success-soft-foreground" data-testid="discord-verified">
      <CircleCheck className="mt-0.5 size-4 shrink-0" aria-hidden />
      <span className="min-w-0 [overflow-wrap:anywhere]">{children}</span>
    </p>
  );
}

function ConnectDiscord({ verified, discordUserId }: { verified: boolean; discordUserId: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function connect() {
    setBusy(true);
    setError(null);
    const callbackURL = "/dashboard/settings/notifications";
    const { error } = await authClient.linkSocial({ provider: "discord", callbackURL, errorCallbackURL: callbackURL });
    if (error) {
      setError(error.message ?? "Discord could not be connected. Try again.");
      setBusy(false);
    }
  }

  return (
    <div className="grid min-w-0 gap-3">
      {verified ? (
        <Verified>
          Connected to your Discord account <span className="font-mono">{discordUserId}</span>
        </Verified>
      ) : (
        <p className="text-sm text-muted-foreground">On this server the bot messages the Discord account you connect. Connect yours (you sign in to Discord once), then turn this on.</p>
      )}
      {error ? <ErrorMessage>{error}</ErrorMessage> : null}
      <div>
        <Button variant="secondary" disabled={busy} onClick={() => void connect()}>
          {busy ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
          {verified ? "Connect another Discord account" : "Connect Discord"}
        </Button>
      </div>
    </div>
  );
}

function CodeVerification({
  setting,
  draft,
  savedId,
  verified,
  pending,
  onProgress,
}: {
  setting: ChannelSetting;
  draft: string;
  savedId: string;
  verified: boolean;
  pending: { discordUserId: string; expiresAt: string } | null;
  /** A step of verification succeeded: the card's own "verify first" error no longer applies. */
  onProgress: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [code, setCode] = useState("");
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.notification.list.queryKey() });

  const start = useMutation(
    trpc.notification.discordStartVerification.mutationOptions({
      onSuccess: async () => {
        setCode("");
        confirm.reset();
        onProgress();
        toast.success("Code sent: check your direct messages on Discord");
        await refresh();
      },
    }),
  );
  const confirm = useMutation(
    trpc.notification.discordConfirm.mutationOptions({
      onSuccess: async () => {
        setCode("");
        start.reset();
        onProgress();
        toast.success(`${setting.label} verified and turned on`);
        await refresh();
      },
      // A wrong code uses up a try: the list says whether the code is still alive.
      onError: () => void refresh(),
    }),
  );

  const verifiedHere = verified && draft === savedId;
  const showCode = pending !== null && !verifiedHere && (draft === "" || draft === pending.discordUserId);

  function submitCode(event?: KeyboardEvent) {
    // The code field sits inside the channel's settings form: Enter confirms the code, not "Save".
    event?.preventDefault();
    if (code.trim()) confirm.mutate({ code });
  }

  const sendButton = (
    <Button
      variant={showCode ? "link" : "secondary"}
      className={showCode ? "h-auto justify-self-start px-0" : undefined}
      disabled={start.isPending || !draft}
      onClick={() => start.mutate({ discordUserId: draft })}
    >
      {start.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : showCode ? null : <Send aria-hidden />}
      {showCode ? "Send a new code" : "Send code"}
    </Button>
  );

  return (
    <div className="grid min-w-0 gap-3">
      {verifiedHere ? (
        <Verified>
          Verified: the bot messages Discord user <span className="font-mono">{savedId}</span>
        </Verified>
      ) : showCode ? null : (
        <div className="grid min-w-0 justify-items-start gap-2">
          <p className="text-sm text-muted-foreground">
            {savedId && draft === savedId ? "Not verified yet. " : null}
            To prove the ID is yours, the PingPilot bot sends it a one-time code by direct message. Nothing else is sent to this ID until you type the code here.
          </p>
          {sendButton}
        </div>
      )}
      {start.isError ? <ErrorMessage>{errorMessage(start.error)}</ErrorMessage> : null}

      {showCode ? (
        <div className="grid min-w-0 gap-3 rounded-lg border bg-muted/40 p-3 sm:p-4" data-testid="discord-code-panel">
          <p className="text-sm" role="status">
            The PingPilot bot sent a code to Discord user <span className="font-mono [overflow-wrap:anywhere]">{pending.discordUserId}</span> by direct message. It works once, until{" "}
            {formatTimeExact(pending.expiresAt)}.
          </p>
          <div className="flex min-w-0 flex-wrap items-end gap-2">
            <div className="min-w-0 flex-1 basis-44 sm:max-w-56">
              <FormField id={`${id}-code`} label="Code from Discord">
                <Input
                  id={`${id}-code`}
                  name="discordCode"
                  autoComplete="one-time-code"
                  autoCapitalize="characters"
                  spellCheck={false}
                  maxLength={16}
                  placeholder="e.g. 7KQ2M9XD"
                  className="font-mono tracking-widest uppercase placeholder:normal-case placeholder:tracking-normal"
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                  onKeyDown={(e) => e.key === "Enter" && submitCode(e)}
                />
              </FormField>
            </div>
            <Button disabled={confirm.isPending || !code.trim()} onClick={() => submitCode()}>
              {confirm.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : <KeyRound aria-hidden />}
              Verify
            </Button>
          </div>
          {confirm.isError ? <ErrorMessage>{errorMessage(confirm.error)}</ErrorMessage> : null}
          {sendButton}
        </div>
      ) : null}
    </div>
  );
}
