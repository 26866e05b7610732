import type { Migration } from "kysely";
import * as createAuthTables from "./20261128_create_auth_tables";
import * as createUserAndApiKey from "./20261128_create_user_and_api_key";
import * as createCategoryEventQuota from "./20261128_create_category_event_quota";
import * as createDeliveryTables from "./20261128_create_delivery_tables";
import * as addEventTimeIndex from "./20261128_add_event_time_index";
import * as createCategoryDay from "./20261128_create_category_day";
import * as createDiscordVerification from "./20261201_create_discord_verification";
import * as addIdempotencyRecordTimeIndex from "./20261202_add_idempotency_record_time_index";
import * as createLimitTables from "./20261202_create_limit_tables";
import * as workspaces from "./20261203_workspaces";
import * as billing from "./20261204_billing";
import * as admin from "./20261204_admin";
import * as monitors from "./20261205_monitors";

/** Every migration, by name; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  "20261128_01_create_auth_tables": createAuthTables,
  "20261128_02_create_user_and_api_key": createUserAndApiKey,
  "20261128_03_create_category_event_quota": createCategoryEventQuota,
  "20261128_04_create_delivery_tables": createDeliveryTables,
  "20261128_05_add_event_time_index": addEventTimeIndex,
  "20261128_06_create_category_day": createCategoryDay,
  "20261201_01_create_discord_verification": createDiscordVerification,
  "20261202_01_add_idempotency_record_time_index": addIdempotencyRecordTimeIndex,
  "20261202_02_create_limit_tables": createLimitTables,
  "20261203_01_workspaces": workspaces,
  "20261204_01_billing": billing,
  "20261204_02_admin": admin,
  "20261205_01_monitors": monitors,
};
