/**
 * Calls in one tRPC batch. Without a cap one request could run hundreds of procedures (each
 * "send test" an outbound request) past the per-request limits: the server refuses larger
 * batches before running any call, and the browser link splits its batches at the same size.
 */
export const TRPC_MAX_BATCH_SIZE = 10;
