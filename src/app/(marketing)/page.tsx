import type { Metadata } from "next";
import { HowItWorks } from "@/components/marketing/how-it-works";
import { Hero } from "@/components/marketing/hero";
import { PricingTable } from "@/components/marketing/pricing-table";
import { getCurrentUser } from "@/server/auth/current-user";
import { services } from "@/server/pages";

export const metadata: Metadata = { title: { absolute: "PingPilot — know the moment something happens in your app" } };

export default async function LandingPage() {
  const signedIn = (await getCurrentUser()) !== null;
  return (
    <>
      <Hero signedIn={signedIn} />
      <HowItWorks appUrl={services().env.APP_URL} />
      <PricingTable signedIn={signedIn} billing={services().stripe !== null} />
    </>
  );
}
