import { NotFoundState } from "@/components/ui/not-found-state";

export default function EventNotFound() {
  return (
    <NotFoundState title="Event not found" testId="event-not-found">
      It may have been deleted with its category, or the link belongs to a workspace you are not a member of.
    </NotFoundState>
  );
}
