import "server-only";
import { notFound } from "next/navigation";
import { AppError } from "@/server/pages";

/**
 * Awaits a service read and turns its NOT_FOUND into the segment's 404 page, with a real 404
 * status: pages call it before anything streams, so the answer is not already a 200.
 */
export async function orNotFound<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}
