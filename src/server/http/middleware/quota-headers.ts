import type { MiddlewareHandler } from "hono";
import { limitsFor, readQuota, type QuotaState } from "@/server/quota/quota.service";
import type { Services } from "@/server/services";
import type { ApiKeyVars } from "./api-key-auth";

export type QuotaVars = ApiKeyVars & { Variables: { quota?: QuotaState } };

export function setQuotaHeaders(headers: Headers, q: QuotaState) {
  headers.set("X-Quota-Limit", String(q.limit));
  headers.set("X-Quota-Remaining", String(q.remaining));
  headers.set("X-Quota-Reset", q.resetsAt.toISOString());
}

/** Every authenticated answer carries the monthly quota; the ingest route hands over the state it just counted. */
export function quotaHeaders(s: Services): MiddlewareHandler<QuotaVars> {
  return async (c, next) => {
    await next();
    const owner = c.get("apiKey");
    const quota = c.get("quota") ?? (await readQuota(s.db, owner.userId, limitsFor(owner.plan, s.env).eventsPerMonth, s.clock()));
    setQuotaHeaders(c.res.headers, quota);
  };
}
