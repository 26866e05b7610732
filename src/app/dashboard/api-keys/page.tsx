import type { Metadata } from "next";
import Link from "next/link";
import { ApiKeyCreateDialog } from "@/components/api-key/api-key-create-dialog";
import { ApiKeyList } from "@/components/api-key/api-key-list";
import { PageHeader } from "@/components/app-shell/page-header";

export const metadata: Metadata = { title: "API keys" };

export default function ApiKeysPage() {
  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            Keys let your apps send events to the public API. They never sign in to the dashboard.{" "}
            <Link href="/docs/api" className="font-medium text-primary-soft-foreground underline-offset-4 hover:underline">
              API docs
            </Link>
          </>
        }
      >
        <ApiKeyCreateDialog />
      </PageHeader>
      <ApiKeyList />
    </>
  );
}
