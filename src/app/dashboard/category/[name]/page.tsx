import type { Metadata } from "next";
import { CategoryDetail } from "@/components/category/category-detail";
import { normalizeCategoryName } from "@/shared/category";
import { services } from "@/server/services";

type Props = { params: Promise<{ name: string }> };

async function categoryNameOf(params: Props["params"]) {
  const { name } = await params;
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // A malformed escape is just an unknown name; the page shows its 404 state.
  }
  return normalizeCategoryName(decoded);
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: await categoryNameOf(params) };
}

/** One category's numbers and events for a UTC range (SPEC §7); the range lives in `?range=`. */
export default async function CategoryPage({ params }: Props) {
  const name = await categoryNameOf(params);
  const { APP_URL } = services().env;
  return <CategoryDetail name={name} appUrl={APP_URL} />;
}
