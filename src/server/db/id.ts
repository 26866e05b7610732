import { v7 } from "uuid";

/** UUIDv7: time-ordered, so ordering by id is ordering by creation (cursor pagination). */
export const newId = () => v7();
