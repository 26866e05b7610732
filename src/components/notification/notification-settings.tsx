"use client";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorMessage } from "@/components/ui/form-messages";
import { SkeletonCards } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/app-error";
import { ADMIN_ONLY, useCurrentWorkspace, useWorkspaceRole } from "@/lib/current-workspace";
import { useTRPC } from "@/trpc/client";
import { NotificationChannelCard, type ChannelSetting } from "./notification-channel-card";

/**
 * Two kinds of channel, one card each, in the server's order: the member's own (they reach this
 * person wherever they are a member; the category choices are per workspace) and the workspace's
 * destinations (a team channel or an endpoint; owners and admins set them up, members read them).
 */
export function NotificationSettings() {
  const trpc = useTRPC();
  const workspace = useCurrentWorkspace();
  const { canManage } = useWorkspaceRole();
  const channels = useQuery(trpc.notification.list.queryOptions());
  const categories = useQuery(trpc.category.list.queryOptions());
  const name = workspace?.name ?? "this workspace";

  const cards = (scope: ChannelSetting["scope"]) =>
    channels.isPending ? (
      <SkeletonCards
        className="grid gap-6"
        cardClassName="p-6"
        aria-busy="true"
        aria-label="Loading notification channels"
        bars={["h-5 w-40", "mt-3 h-4 w-72 max-w-full", "mt-6 h-9 w-full max-w-md"]}
      />
    ) : channels.isError ? (
      <ErrorMessage>Your notification settings could not load: {errorMessage(channels.error)}</ErrorMessage>
    ) : (
      <div className="grid gap-6">
        {channels.data
          .filter((setting) => setting.scope === scope)
          .map((setting) => (
            <NotificationChannelCard key={setting.channel} setting={setting} categories={categories.data} categoriesError={categories.error?.message ?? null} />
          ))}
      </div>
    );

  return (
    <div className="grid gap-10">
      <Section
        id="personal-channels"
        title="Your channels"
        description={
          <>
            They reach you, in every workspace you belong to. Turn on the ones you like and send a test. Which categories notify you is chosen per workspace: the choices below are for{" "}
            <strong className="font-medium text-foreground">{name}</strong>.
          </>
        }
      >
        {cards("personal")}
      </Section>
      <Section
        id="workspace-destinations"
        title="Workspace destinations"
        description={
          <>
            Places the whole team reads — a Slack or Discord channel, or your own endpoint — told about <strong className="font-medium text-foreground">{name}</strong>&apos;s events.{" "}
            {canManage ? "Owners and admins set them up." : <span data-testid="destinations-read-only">{ADMIN_ONLY}</span>}
          </>
        }
      >
        {cards("workspace")}
      </Section>
    </div>
  );
}

function Section({ id, title, description, children }: { id: string; title: string; description: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} data-testid={id}>
      <div className="mb-5">
        <h2 id={`${id}-heading`} className="text-lg font-semibold tracking-tight">
          {title}
        </h2>
        <p className="mt-1 text-sm text-muted-foreground">{description}</p>
      </div>
      {children}
    </section>
  );
}
