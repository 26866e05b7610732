export { DEFAULT_MAX_RETRY_DELAY_MS, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, isDisabled, newIdempotencyKey, parseRetryAfter, PingPilot } from "./client.js";
export { type ClientErrorCode, isPingPilotError, PingPilotError, type PingPilotErrorInit } from "./errors.js";
export type {
  AcceptedEvent,
  ApiErrorBody,
  BatchAccepted,
  BatchRefused,
  BatchResult,
  CallOptions,
  Category,
  CategoryList,
  CreateCategoryInput,
  Delivery,
  Disabled,
  EventInput,
  EventPage,
  FieldValue,
  ListEventsQuery,
  PingPilotOptions,
  Quota,
  StoredEvent,
  TrackInput,
} from "./types.js";
