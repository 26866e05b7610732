import type { Metadata } from "next";
import { EventDetail } from "@/components/event/event-detail";
import { requireUser } from "@/server/auth/current-user";
import { orNotFound } from "../../_lib/or-not-found";
import { getEventOrThrow, services } from "@/server/pages";

export const metadata: Metadata = { title: "Event" };

type Props = { params: Promise<{ id: string }> };

/** One event and its deliveries; notifications link here. An unknown id (or another account's) answers 404. */
export default async function EventPage({ params }: Props) {
  const { id } = await params;
  const user = await requireUser();
  await orNotFound(getEventOrThrow(services().db, user.id, id.slice(0, 64)));
  return <EventDetail id={id} />;
}
