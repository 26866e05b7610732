import type { Metadata } from "next";
import { EventDetail } from "@/components/event/event-detail";
import { requireWorkspace } from "@/server/auth/current-user";
import { orNotFound } from "../../_lib/or-not-found";
import { getEventOrThrow, services } from "@/server/pages";

export const metadata: Metadata = { title: "Event" };

type Props = { params: Promise<{ id: string }> };

/** One event and its deliveries; notifications link here. An unknown id (or another workspace's) answers 404. */
export default async function EventPage({ params }: Props) {
  const { id } = await params;
  const workspace = await requireWorkspace();
  await orNotFound(getEventOrThrow(services().db, workspace.id, id.slice(0, 64)));
  return <EventDetail id={id} />;
}
