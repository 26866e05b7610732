import type { Metadata, Viewport } from "next";
import { Toaster } from "sonner";
import { TrpcReactProvider } from "@/trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "PingPilot", template: "%s · PingPilot" },
  description: "Self-hostable event monitoring: send events over HTTP, see them on a dashboard, get notified at once.",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#fcfcfd" },
    { media: "(prefers-color-scheme: dark)", color: "#111218" },
  ],
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh bg-background text-foreground antialiased">
        <TrpcReactProvider>{children}</TrpcReactProvider>
        <Toaster theme="system" position="bottom-right" richColors closeButton />
      </body>
    </html>
  );
}
