"use client";
import { useQuery } from "@tanstack/react-query";
import { Plus, Radar } from "lucide-react";
import { PageHeader } from "@/components/app-shell/page-header";
import { ErrorMessage } from "@/components/ui/form-messages";
import { CurlSnippet } from "@/components/snippet/curl-snippet";
import { Button } from "@/components/ui/button";
import { SkeletonCards } from "@/components/ui/skeleton";
import { UsageCard } from "@/components/usage/usage-card";
import { QUICK_START_CATEGORIES } from "@/shared/category";
import { useTRPC } from "@/trpc/client";
import { CategoryCard } from "./category-card";
import { CategoryCreateDialog } from "./category-create-dialog";
import { CategoryQuickStartButton } from "./category-quick-start-button";
import { errorMessage } from "@/lib/app-error";
import { useCurrentWorkspace, useWorkspaceRole } from "@/lib/current-workspace";

/**
 * The dashboard: usage, then one card per category; a guided empty state when there are none.
 * Only owners and admins create, edit and delete categories; members see them.
 */
export function CategoryOverview({ appUrl }: { appUrl: string }) {
  const trpc = useTRPC();
  const { canManage } = useWorkspaceRole();
  const workspace = useCurrentWorkspace();
  const categories = useQuery(trpc.category.list.queryOptions());
  const list = categories.data ?? [];
  const names = new Set(list.map((c) => c.name));
  const quickStartMissing = QUICK_START_CATEGORIES.some((preset) => !names.has(preset.name));
  const empty = categories.isSuccess && list.length === 0;

  const addButton = (
    <Button>
      <Plus aria-hidden /> Add category
    </Button>
  );

  return (
    <>
      <PageHeader title="Dashboard" description={workspace ? `${workspace.name}: its categories and the events your apps send.` : "Your categories and the events your apps send."}>
        {canManage && categories.isSuccess && !empty ? (
          <div className="flex flex-wrap gap-2">
            {quickStartMissing ? <CategoryQuickStartButton variant="secondary" /> : null}
            <CategoryCreateDialog trigger={addButton} />
          </div>
        ) : null}
      </PageHeader>

      <UsageCard linkToUsage />

      <section aria-label="Categories" className="mt-6">
        {categories.isPending ? (
          <SkeletonCards
            className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3"
            cardClassName="p-5"
            aria-busy="true"
            aria-label="Loading categories"
            bars={["h-10 w-32", "mt-5 h-8 w-16", "mt-3 h-3 w-full"]}
          />
        ) : categories.isError ? (
          <ErrorMessage>Your categories could not load: {errorMessage(categories.error)}</ErrorMessage>
        ) : empty ? (
          canManage ? (
            <EmptyState appUrl={appUrl} />
          ) : (
            <MemberEmptyState />
          )
        ) : (
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {list.map((category) => (
              <CategoryCard key={category.id} category={category} canManage={canManage} />
            ))}
          </div>
        )}
      </section>
    </>
  );
}

function EmptyState({ appUrl }: { appUrl: string }) {
  return (
    <div className="rounded-xl border border-dashed bg-card/60 px-5 py-10 sm:px-10 sm:py-14">
      <div className="mx-auto flex max-w-xl flex-col items-center text-center">
        <span className="grid size-12 place-items-center rounded-xl bg-primary-soft text-primary-soft-foreground">
          <Radar className="size-6" aria-hidden />
        </span>
        <h2 className="mt-5 text-lg font-semibold">Create your first category</h2>
        <p className="mt-2 text-sm leading-relaxed text-muted-foreground">
          Every event belongs to a category — a sale, a sign-up, a bug report. Start with our three ready-made ones (<span aria-hidden>🐛</span> bug, <span aria-hidden>💰</span> sale,{" "}
          <span aria-hidden>🤔</span> question) or add your own.
        </p>
        <div className="mt-6 flex flex-wrap justify-center gap-2">
          <CategoryQuickStartButton />
          <CategoryCreateDialog
            trigger={
              <Button variant="secondary">
                <Plus aria-hidden /> Add category
              </Button>
            }
          />
        </div>
      </div>
      <div className="mx-auto mt-10 max-w-2xl text-left">
        <CurlSnippet appUrl={appUrl} apiKey="<your-api-key>" label="Then send an event — replace <your-api-key> with your key" />
      </div>
    </div>
  );
}

/** A member cannot create categories: say who can, rather than offer buttons that would be refused. */
function MemberEmptyState() {
  return (
    <div className="rounded-xl border border-dashed bg-card/60 px-5 py-10 text-center sm:px-10 sm:py-14" data-testid="member-empty-state">
      <span className="mx-auto grid size-12 place-items-center rounded-xl bg-primary-soft text-primary-soft-foreground">
        <Radar className="size-6" aria-hidden />
      </span>
      <h2 className="mt-5 text-lg font-semibold">No categories yet</h2>
      <p className="mx-auto mt-2 max-w-md text-sm leading-relaxed text-muted-foreground">
        The workspace&apos;s owners and admins create categories. Once they do, events show up here as they arrive, and you choose which ones notify you in Settings → Notifications.
      </p>
    </div>
  );
}
