import type { MiddlewareHandler } from "hono";
import { keyAccess } from "@/server/api-key/api-key.service";
import type { WorkspacePlan } from "@/server/workspace/workspace.service";
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
    for (const [name, value] of await currentQuotaHeaders(s, keyAccess(c.get("apiKey")))) c.res.headers.set(name, value);
  };
}

/** The quota headers of a workspace as the database has them now. */
export async function currentQuotaHeaders(s: Services, ws: WorkspacePlan) {
  return quotaHeaderValues(await readQuota(s.db, ws.id, limitsFor(ws.plan, s.env).eventsPerMonth, s.clock()));
}

/** Records the quota on the context and sets its headers on the coming response. */
export function setQuotaHeaders(c: { set: (k: "quota", v: QuotaState) => void; header: (k: string, v: string) => void }, quota: QuotaState) {
  c.set("quota", quota);
  for (const [name, value] of quotaHeaderValues(quota)) c.header(name, value);
}
