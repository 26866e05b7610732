import { CategoryDetailSkeleton } from "@/components/category/category-detail";

export default function CategoryLoading() {
  return (
    <div role="status" aria-label="Loading">
      <CategoryDetailSkeleton />
      <span className="sr-only">Loading…</span>
    </div>
  );
}
