import type { Metadata } from "next";
import { EventDetail } from "@/components/event/event-detail";

export const metadata: Metadata = { title: "Event" };

type Props = { params: Promise<{ id: string }> };

/** One event and its deliveries; notifications link here (SPEC §6). */
export default async function EventPage({ params }: Props) {
  const { id } = await params;
  return <EventDetail id={id} />;
}
