import type { Metadata } from "next";
import { CategoryOverview } from "@/components/category/category-overview";
import { services } from "@/server/pages";

export const metadata: Metadata = { title: "Dashboard" };

export default function DashboardPage() {
  const { APP_URL } = services().env;
  return <CategoryOverview appUrl={APP_URL} />;
}
