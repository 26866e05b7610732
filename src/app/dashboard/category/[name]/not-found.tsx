import { NotFoundState } from "@/components/ui/not-found-state";

export default function CategoryNotFound() {
  return (
    <NotFoundState title="Category not found" testId="category-not-found">
      This workspace has no category by that name. It may have been deleted or renamed.
    </NotFoundState>
  );
}
