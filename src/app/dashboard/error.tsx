"use client";
import { TriangleAlert } from "lucide-react";
import Link from "next/link";
import { useEffect } from "react";
import { Button } from "@/components/ui/button";

export default function DashboardError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  const digest = typeof error === "object" && error && "digest" in error ? String((error as { digest?: unknown }).digest ?? "") : "";
  return (
    <div role="alert" className="mx-auto flex max-w-md flex-col items-center py-16 text-center">
      <span className="grid size-12 place-items-center rounded-xl bg-destructive-soft text-destructive-soft-foreground">
        <TriangleAlert className="size-6" aria-hidden />
      </span>
      <h1 className="mt-5 text-lg font-semibold">This page could not load</h1>
      <p className="mt-2 text-sm text-muted-foreground">
        Something went wrong on our side. Try again; if it keeps happening, the server log has the details
        {digest ? ` (reference ${digest})` : ""}.
      </p>
      <div className="mt-6 flex gap-2">
        <Button onClick={() => retry()}>Try again</Button>
        <Button asChild variant="secondary">
          <Link href="/dashboard">Back to dashboard</Link>
        </Button>
      </div>
    </div>
  );
}
