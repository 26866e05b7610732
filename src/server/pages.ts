import "server-only";

/**
 * The door from the Next.js bundle into server code: pages (server components) import what
 * they need from here or from auth/current-user, both marked server-only, so no server module
 * can end up in a client bundle by accident. Client components import server types only.
 */
export { isOperator } from "./admin/operator";
export { configuredProviders } from "./auth/auth";
export { getCategoryByNameOrThrow } from "./category/category.service";
export { AppError } from "./errors";
export { getEventOrThrow } from "./event/event.service";
export { registerV1Docs } from "./http/routes/v1/v1.docs";
export { services } from "./services";
