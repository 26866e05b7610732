import type { Metadata } from "next";
import { CategoryDetail } from "@/components/category/category-detail";
import { requireWorkspace } from "@/server/auth/current-user";
import { normalizeCategoryName } from "@/shared/category";
import { orNotFound } from "../../_lib/or-not-found";
import { getCategoryByNameOrThrow, services } from "@/server/pages";

type Props = { params: Promise<{ name: string }> };

async function categoryNameOf(params: Props["params"]) {
  const { name } = await params;
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // A malformed escape is just an unknown name: a 404.
  }
  return normalizeCategoryName(decoded);
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: await categoryNameOf(params) };
}

/**
 * One category's numbers and events for a UTC range; the range lives in `?range=`. An unknown
 * name in this workspace answers 404 (checked here, before the page streams); the numbers load in the browser.
 */
export default async function CategoryPage({ params }: Props) {
  const name = await categoryNameOf(params);
  const workspace = await requireWorkspace();
  const s = services();
  await orNotFound(getCategoryByNameOrThrow(s.db, workspace.id, name));
  return <CategoryDetail name={name} appUrl={s.env.APP_URL} />;
}
