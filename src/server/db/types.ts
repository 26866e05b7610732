import type { ColumnType, Generated, Selectable } from "kysely";

/** Written as ISO strings, read as Date (PostgreSQL) or string (SQLite); use toDate() when reading. */
type Timestamp = ColumnType<Date | string, string, string>;
type Bool = ColumnType<boolean | number, boolean | number, boolean | number>;

export type Plan = "FREE" | "PRO" | "ENTERPRISE";

// Better Auth's tables, snake_case like the rest of the schema (see auth/auth.ts field mapping).
export interface AuthUserTable {
  id: string;
  name: string;
  email: string;
  email_verified: Bool;
  image: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface AuthSessionTable {
  id: string;
  user_id: string;
  token: string;
  expires_at: Timestamp;
  ip_address: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface AuthAccountTable {
  id: string;
  user_id: string;
  account_id: string;
  provider_id: string;
  access_token: string | null;
  refresh_token: string | null;
  access_token_expires_at: Timestamp | null;
  refresh_token_expires_at: Timestamp | null;
  scope: string | null;
  id_token: string | null;
  password: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface AuthVerificationTable {
  id: string;
  identifier: string;
  value: string;
  expires_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

// PingPilot's own tables.
export interface UserTable {
  id: string;
  external_id: string;
  email: string;
  name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Set while an operator has suspended the account (admin/admin.service.ts). */
  suspended_at: ColumnType<Date | string | null, string | null | undefined, string | null>;
  /** When a session was last created for the account (null: not since this was recorded). */
  last_sign_in_at: ColumnType<Date | string | null, string | null | undefined, string | null>;
}
export type WorkspaceRole = "owner" | "admin" | "member";
export interface WorkspaceTable {
  id: string;
  name: string;
  slug: string;
  /** The effective plan: what limits, retention and keys read. */
  plan: Plan;
  /** Set by an operator (/admin): the plan stays this whatever billing says. */
  plan_override: ColumnType<Plan | null, Plan | null | undefined, Plan | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface WorkspaceMemberTable {
  workspace_id: string;
  user_id: string;
  role: WorkspaceRole;
  created_at: Timestamp;
}
export interface WorkspaceInvitationTable {
  id: string;
  workspace_id: string;
  email: string;
  role: Exclude<WorkspaceRole, "owner">;
  token_hash: string;
  invited_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  revoked_at: Timestamp | null;
}
export interface ApiKeyTable {
  id: string;
  workspace_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  /** Set once the full key has been shown to its owner (it is never shown again). */
  revealed_at: Timestamp | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}
export interface DevMailTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  created_at: Timestamp;
}

export interface CategoryTable {
  id: string;
  workspace_id: string;
  name: string;
  color: string;
  emoji: string | null;
  /** PingPilot's own category (the monitors' alerts): outside the plan's limit, not deletable. */
  system: ColumnType<boolean | number, boolean | number | undefined, boolean | number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export type EventStatus = "PENDING" | "DELIVERED" | "PARTIAL" | "FAILED" | "STORED";
/** JSON object: parsed object on PostgreSQL (jsonb), JSON text on SQLite. Written as JSON text. */
type Json<T> = ColumnType<T | string, string, string>;
export type EventFields = Record<string, string | number | boolean>;
export interface EventTable {
  id: string;
  workspace_id: string;
  category_id: string;
  description: string;
  fields: Json<EventFields>;
  tags: Json<string[]>;
  notify: Bool;
  status: EventStatus;
  occurred_at: Timestamp;
  created_at: Timestamp;
}
export interface QuotaUsageTable {
  workspace_id: string;
  period: string;
  used: number;
}
export interface IdempotencyRecordTable {
  workspace_id: string;
  key: string;
  event_id: string;
  response: string;
  created_at: Timestamp;
}

export type DeliveryStatus = "PENDING" | "SENDING" | "DELIVERED" | "FAILED";
export interface NotificationChannelTable {
  user_id: string;
  channel: string;
  enabled: Bool;
  /** JSON object, per channel (shared/notification.ts). */
  config: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface ChannelOptOutTable {
  user_id: string;
  channel: string;
  category_id: string;
}
/** The workspace's own channels (Slack, Discord webhook, signed webhook): same shape, owned by the workspace. */
export interface WorkspaceDestinationTable {
  workspace_id: string;
  channel: string;
  enabled: Bool;
  config: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface DestinationOptOutTable {
  workspace_id: string;
  channel: string;
  category_id: string;
}
export interface DeliveryTable {
  id: string;
  event_id: string;
  workspace_id: string;
  /** The member a personal channel's delivery is for; null for a workspace destination. */
  recipient_id: string | null;
  channel: string;
  status: DeliveryStatus;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  lease_until: Timestamp | null;
  claimed_by: string | null;
  last_error: string | null;
  last_status_code: number | null;
  delivered_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface DeliveryAttemptTable {
  id: string;
  delivery_id: string;
  attempt: number;
  outcome: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  started_at: Timestamp;
}
export interface TelegramLinkTable {
  code_hash: string;
  user_id: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface DiscordVerificationTable {
  id: string;
  user_id: string;
  discord_user_id: string;
  code_hash: string;
  attempts: Generated<number>;
  dm_channel_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface CategoryDayTable {
  category_id: string;
  /** "YYYY-MM-DD", UTC. */
  day: string;
  events: number;
  /** JSON: { [field]: { seen, numeric, sum } }. */
  fields: string;
}

/** PostgreSQL only (empty on SQLite); epoch milliseconds of the services' clock. */
export interface RateLimitBucketTable {
  key: string;
  tokens: number;
  allowed: boolean | number;
  updated_at: ColumnType<string, number, number>;
  expires_at: ColumnType<string, number, number>;
}

/** PostgreSQL only (empty on SQLite); epoch milliseconds of the services' clock. */
export interface ThrottleWindowTable {
  key: string;
  count: number;
  counted: boolean | number;
  reset_at: ColumnType<string, number, number>;
}

export interface Database {
  auth_user: AuthUserTable;
  auth_session: AuthSessionTable;
  auth_account: AuthAccountTable;
  auth_verification: AuthVerificationTable;
  user: UserTable;
  workspace: WorkspaceTable;
  workspace_member: WorkspaceMemberTable;
  workspace_invitation: WorkspaceInvitationTable;
  workspace_destination: WorkspaceDestinationTable;
  destination_opt_out: DestinationOptOutTable;
  api_key: ApiKeyTable;
  dev_mail: DevMailTable;
  category: CategoryTable;
  event: EventTable;
  quota_usage: QuotaUsageTable;
  idempotency_record: IdempotencyRecordTable;
  notification_channel: NotificationChannelTable;
  channel_opt_out: ChannelOptOutTable;
  delivery: DeliveryTable;
  delivery_attempt: DeliveryAttemptTable;
  telegram_link: TelegramLinkTable;
  discord_verification: DiscordVerificationTable;
  category_day: CategoryDayTable;
  rate_limit_bucket: RateLimitBucketTable;
  throttle_window: ThrottleWindowTable;
  workspace_billing: WorkspaceBillingTable;
  stripe_event: StripeEventTable;
  admin_audit: AdminAuditTable;
  monitor: MonitorTable;
  monitor_incident: MonitorIncidentTable;
}

export type User = Selectable<UserTable>;
export type Workspace = Selectable<WorkspaceTable>;
export type ApiKey = Selectable<ApiKeyTable>;
export type Category = Selectable<CategoryTable>;
export type EventRow = Selectable<EventTable>;

export type AdminAction = "set-plan" | "suspend" | "unsuspend" | "delete-user";
/** Every operator action (admin/admin.service.ts); actor and target are text, so the log outlives them. */
export interface AdminAuditTable {
  id: string;
  /** The operator's email, or "cli" for `npm run admin`. */
  actor: string;
  actor_user_id: string | null;
  action: AdminAction;
  target_type: "user" | "workspace";
  target_id: string;
  /** The target's email or slug at the time. */
  target_label: string;
  /** JSON object. */
  details: string;
  created_at: Timestamp;
}

/** Billing state of a workspace with a Stripe customer (billing/billing.service.ts); workspace.plan stays the effective plan. */
export interface WorkspaceBillingTable {
  workspace_id: string;
  stripe_customer_id: string;
  stripe_subscription_id: string | null;
  subscription_plan: Plan | null;
  /** Stripe's subscription status, or "none". */
  status: ColumnType<string, string | undefined, string>;
  current_period_end: Timestamp | null;
  cancel_at_period_end: ColumnType<boolean | number, boolean | number | undefined, boolean | number>;
  cancel_at: Timestamp | null;
  payment_failed_at: Timestamp | null;
  grace_until: Timestamp | null;
  held_plan: Plan | null;
  held_until: Timestamp | null;
  review_at: Timestamp | null;
  synced_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
/** Stripe events already applied (by Stripe's event id). */
export interface StripeEventTable {
  id: string;
  type: string;
  workspace_id: string | null;
  created_at: Timestamp;
  received_at: Timestamp;
}

export type MonitorKind = "heartbeat" | "threshold";
export type MonitorState = "waiting" | "up" | "late" | "down" | "paused" | "ok" | "over";
/** A heartbeat or threshold on a category (monitor/monitor.service.ts); its schedule and lease are the worker's (monitor.evaluate.ts). */
export interface MonitorTable {
  id: string;
  workspace_id: string;
  category_id: string;
  name: string;
  kind: MonitorKind;
  /** JSON text: the heartbeat's or threshold's settings. */
  config: string;
  /** JSON text { field, equals }, or null. */
  filter: string | null;
  renotify_seconds: number | null;
  paused: Bool;
  state: MonitorState;
  state_since: Timestamp;
  version: ColumnType<number, number | undefined, number>;
  next_check_at: Timestamp | null;
  dirty: ColumnType<boolean | number, boolean | number | undefined, boolean | number>;
  lease_until: Timestamp | null;
  claim_token: string | null;
  last_event_at: Timestamp | null;
  last_event_fail: ColumnType<boolean | number, boolean | number | undefined, boolean | number>;
  last_value: number | null;
  open_incident_id: string | null;
  ping_token_hash: string | null;
  run_started_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface MonitorIncidentTable {
  id: string;
  monitor_id: string;
  workspace_id: string;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  reason: string;
  resolution: "recovered" | "paused" | "reset" | null;
  last_notified_at: Timestamp;
  notifications: ColumnType<number, number | undefined, number>;
}
