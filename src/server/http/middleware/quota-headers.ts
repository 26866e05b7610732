import type { MiddlewareHandler } from "hono";
import { limitsFor, readQuota, type QuotaState } from "@/server/quota/quota.service";
import type { Services } from "@/server/services";
import type { ApiKeyVars } from "./api-key-auth";

export type QuotaVars = ApiKeyVars & { Variables: { quota?: QuotaState } };

export function quotaHeaderValues(q: QuotaState): [string, string][] {
  return [
    ["X-Quota-Limit", String(q.limit)],
    ["X-Quota-Remaining", String(q.remaining)],
    ["X-Quota-Reset", q.resetsAt.toISOString()],
  ];
}

/**
 * Every authenticated answer carries the monthly quota. A handler that knows it (ingest just
 * counted the event) sets `quota` and the headers itself before answering; for every other
 * answer they are read and added here.
 */
export function quotaHeaders(s: Services): MiddlewareHandler<QuotaVars> {
  return async (c, next) => {
    await next();
    if (c.get("quota")) return;
    const owner = c.get("apiKey");
    const quota = await readQuota(s.db, owner.userId, limitsFor(owner.plan, s.env).eventsPerMonth, s.clock());
    for (const [name, value] of quotaHeaderValues(quota)) c.res.headers.set(name, value);
  };
}

/** Records the quota on the context and sets its headers on the coming response. */
export function setQuotaHeaders(c: { set: (k: "quota", v: QuotaState) => void; header: (k: string, v: string) => void }, quota: QuotaState) {
  c.set("quota", quota);
  for (const [name, value] of quotaHeaderValues(quota)) c.header(name, value);
}
