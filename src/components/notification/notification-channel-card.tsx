"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { LoaderCircle, TriangleAlert } from "lucide-react";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { toast } from "sonner";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Switch } from "@/components/ui/switch";
import type { AppRouter } from "@/server/trpc/root";
import { useTRPC } from "@/trpc/client";
import { NotificationCategoryOptOuts, type OptOutCategory } from "./notification-category-opt-outs";
import { NotificationDiscordVerify } from "./notification-discord-verify";
import { NotificationEmailStatus } from "./notification-email-status";
import { NotificationTelegramLink } from "./notification-telegram-link";
import { NotificationTestButton } from "./notification-test-button";
import { NotificationWebhookSecret } from "./notification-webhook-secret";
import { errorMessage } from "@/lib/app-error";
import { ADMIN_ONLY } from "@/lib/current-workspace";
import { Lock } from "lucide-react";

export type ChannelSetting = inferRouterOutputs<AppRouter>["notification"]["list"][number];
export type ChannelName = ChannelSetting["channel"];

const EXPLANATIONS: Record<ChannelName, ReactNode> = {
  discord_dm: "A direct message from the PingPilot bot on Discord, with the event as an embed.",
  discord_webhook: "Posts to a channel on your Discord server. In Discord: Server Settings → Integrations → Webhooks → New Webhook → Copy Webhook URL.",
  telegram: "A message from the PingPilot bot in Telegram. Link your chat with a one-time code — your API key is never involved.",
  slack: "Posts to a Slack channel through an incoming webhook (Slack app → Incoming Webhooks → Add New Webhook).",
  email: "An email for each event, with a link back to it in the dashboard.",
  whatsapp: "A WhatsApp message to your phone.",
  webhook: "PingPilot POSTs each event as JSON to your URL, signed so your server can check it came from us.",
};

/** The one text setting each channel has, if any: the config key and how to ask for it. */
type TextConfig = { key: string; label: string; type: "url" | "tel" | "text"; placeholder: string; hint?: ReactNode; inputMode?: "numeric" | "tel" | "url" };

const TEXT_CONFIG: Partial<Record<ChannelName, TextConfig>> = {
  discord_dm: {
    key: "discordUserId",
    label: "Discord user ID",
    type: "text",
    inputMode: "numeric",
    placeholder: "e.g. 80351110224678912",
    hint: "17–20 digits. In Discord turn on Settings → Advanced → Developer Mode, then right-click your name → Copy User ID.",
  },
  discord_webhook: { key: "url", label: "Webhook URL", type: "url", inputMode: "url", placeholder: "https://discord.com/api/webhooks/…" },
  slack: { key: "url", label: "Webhook URL", type: "url", inputMode: "url", placeholder: "https://hooks.slack.com/services/…" },
  whatsapp: { key: "phone", label: "Phone number", type: "tel", inputMode: "tel", placeholder: "+14155550123", hint: "International format with the country code, e.g. +14155550123." },
  webhook: { key: "url", label: "Webhook URL", type: "url", inputMode: "url", placeholder: "https://example.com/pingpilot" },
};

const stringOf = (value: unknown) => (typeof value === "string" ? value : "");

/**
 * One channel: explanation, setup, on/off, save, test and per-category choices. A workspace
 * destination the member may not change (`canChange` false) is shown read-only, with who can.
 */
export function NotificationChannelCard({ setting, categories, categoriesError }: { setting: ChannelSetting; categories: OptOutCategory[] | undefined; categoriesError: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  // With Discord sign-in on this server, the Discord ID comes from the connected account, never typed.
  const text = setting.discord?.idFromSignIn ? undefined : TEXT_CONFIG[setting.channel];
  const savedText = text ? stringOf(setting.config[text.key]) : "";
  // The draft starts from the saved value and is never overwritten by a refetch, so polling can't eat typing.
  const [draft, setDraft] = useState(savedText);

  // What the switch was last set to until the server's answer is in the list; null = show the saved state.
  const [requested, setRequested] = useState<boolean | null>(null);

  const save = useMutation(
    trpc.notification.save.mutationOptions({
      onSuccess: async (_data, input) => {
        toast.success(input.enabled === setting.enabled ? `${setting.label} settings saved` : `${setting.label} notifications turned ${input.enabled ? "on" : "off"}`);
        await queryClient.invalidateQueries({ queryKey: trpc.notification.list.queryKey() });
      },
      // Cleared only after the refetch, so the switch never flickers back to the old value.
      onSettled: () => setRequested(null),
    }),
  );

  const readOnly = !setting.canChange;
  const enabled = requested ?? setting.enabled;
  const dirty = text ? draft.trim() !== savedText : false;

  function saveWith(nextEnabled: boolean) {
    setRequested(nextEnabled);
    const config = text ? { [text.key]: draft.trim() } : {};
    save.mutate({ channel: setting.channel, enabled: nextEnabled, config });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (readOnly) return;
    saveWith(enabled);
  }

  const headingId = `${id}-title`;
  return (
    <Card data-testid={`channel-${setting.channel}`} data-scope={setting.scope} aria-labelledby={headingId} role="region" className="min-w-0">
      <form onSubmit={submit} noValidate>
        <CardHeader>
          <div className="flex items-center justify-between gap-4">
            <h3 id={headingId} className="min-w-0 text-base font-semibold tracking-tight">
              {setting.label}
            </h3>
            {/* biome-ignore lint/a11y/noLabelWithoutControl: Switch renders the checkbox input this label wraps */}
            <label className="flex shrink-0 cursor-pointer items-center gap-2 text-sm font-medium">
              <Switch checked={enabled} disabled={save.isPending || readOnly} onChange={(e) => saveWith(e.target.checked)} />
              Enabled
            </label>
          </div>
          <CardDescription>{EXPLANATIONS[setting.channel]}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {setting.serverProblem ? (
            <p className="flex gap-2 rounded-md bg-warning-soft px-3 py-2 text-xs leading-relaxed text-warning-soft-foreground" data-testid="server-problem">
              <TriangleAlert className="mt-0.5 size-3.5 shrink-0" aria-hidden />
              <span className="min-w-0 break-words">{setting.serverProblem} Ask whoever runs this PingPilot server to set it up.</span>
            </p>
          ) : null}

          {text && readOnly ? (
            // A destination's URL is as good as a password to it (anyone holding a Slack or Discord webhook URL can post): members see only whether it is set up.
            <p className="text-sm text-muted-foreground" data-testid="destination-status">
              {savedText ? `${text.label}: set up by the workspace's owners or admins.` : "Not set up."}
            </p>
          ) : text ? (
            <div className="max-w-lg">
              <FormField id={`${id}-config`} label={text.label} hint={text.hint}>
                <Input
                  id={`${id}-config`}
                  name={text.key}
                  type={text.type}
                  inputMode={text.inputMode}
                  placeholder={text.placeholder}
                  autoComplete={text.type === "tel" ? "tel" : "off"}
                  spellCheck={false}
                  value={draft}
                  onChange={(e) => setDraft(e.target.value)}
                  aria-describedby={text.hint ? `${id}-config-hint` : undefined}
                  className={text.key === "phone" ? undefined : "font-mono"}
                />
              </FormField>
            </div>
          ) : null}

          {setting.channel === "discord_dm" ? <NotificationDiscordVerify setting={setting} draft={draft} onProgress={() => save.reset()} /> : null}
          {setting.channel === "telegram" ? <NotificationTelegramLink setting={setting} /> : null}
          {setting.channel === "email" ? <NotificationEmailStatus /> : null}
          {setting.channel === "webhook" && !readOnly ? <NotificationWebhookSecret secret={stringOf(setting.config.secret)} /> : null}

          {save.isError ? <ErrorMessage>{errorMessage(save.error)}</ErrorMessage> : null}
        </CardContent>
        <CardFooter className="flex-wrap">
          {readOnly ? (
            <p className="flex items-center gap-2 text-sm text-muted-foreground" data-testid="read-only-note">
              <Lock className="size-3.5 shrink-0" aria-hidden />
              {ADMIN_ONLY}
            </p>
          ) : (
            <>
              <Button type="submit" disabled={save.isPending}>
                {save.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
                Save
              </Button>
              <NotificationTestButton channel={setting.channel} unsaved={dirty} />
            </>
          )}
        </CardFooter>
      </form>
      <NotificationCategoryOptOuts setting={setting} categories={categories} error={categoriesError} />
    </Card>
  );
}
