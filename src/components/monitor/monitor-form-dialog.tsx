"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { HeartPulse, LoaderCircle, TrendingUp } from "lucide-react";
import Link from "next/link";
import { useId, useMemo, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { errorMessage } from "@/lib/app-error";
import { useTRPC } from "@/trpc/client";
import { DurationField } from "./duration-field";
import {
  AGGREGATE_LABELS,
  browserTimeZone,
  formatDuration,
  OP_LABELS,
  splitDuration,
  timeZones,
  UNIT_SECONDS,
  type Aggregate,
  type DurationUnit,
  type FilterConfig,
  type MonitorKind,
  type ThresholdConfig,
  type ThresholdOp,
} from "./monitor-format";
import { MonitorPingReveal, pingUrl } from "./monitor-ping-reveal";
import { ThresholdPreview } from "./monitor-threshold-preview";
import type { MonitorItem } from "./monitor-types";
import { SegmentedChoice } from "./segmented-choice";

const MONITORS_CATEGORY = "monitors";

/** The shortest heartbeat period and longest window the server accepts (monitor.create's schema). */
export const MIN_EVERY_SECONDS = 60;
const MIN_WINDOW_SECONDS = 60;
/** Longer windows come from daily rollups, which know no field values (no filter) and no min/max. */
const MAX_FILTERED_WINDOW_SECONDS = 86_400;

const RENOTIFY_CHOICES: { seconds: number | null; label: string }[] = [
  { seconds: null, label: "Never — alert once per incident" },
  { seconds: 15 * 60, label: "Every 15 minutes" },
  { seconds: 3600, label: "Every hour" },
  { seconds: 4 * 3600, label: "Every 4 hours" },
  { seconds: 86_400, label: "Every day" },
];

type Form = {
  name: string;
  categoryId: string;
  kind: MonitorKind;
  schedule: "every" | "cron";
  everyAmount: string;
  everyUnit: DurationUnit;
  cron: string;
  timezone: string;
  graceAmount: string;
  graceUnit: DurationUnit;
  aggregate: Aggregate;
  field: string;
  windowAmount: string;
  windowUnit: DurationUnit;
  op: ThresholdOp;
  bound: string;
  filterOn: boolean;
  filterField: string;
  filterValue: string;
  renotify: string;
};

function initialForm(monitor: MonitorItem | undefined): Form {
  const blank: Form = {
    name: "",
    categoryId: "",
    kind: "heartbeat",
    schedule: "every",
    everyAmount: "1",
    everyUnit: "hours",
    cron: "0 3 * * *",
    timezone: browserTimeZone(),
    graceAmount: "5",
    graceUnit: "minutes",
    aggregate: "count",
    field: "",
    windowAmount: "1",
    windowUnit: "hours",
    op: ">=",
    bound: "10",
    filterOn: false,
    filterField: "",
    filterValue: "",
    renotify: "",
  };
  if (!monitor) return blank;
  const settings = monitor.config;
  const form: Form = { ...blank, name: monitor.name, categoryId: monitor.categoryId, kind: monitor.kind };
  if (settings.heartbeat) {
    const hb = settings.heartbeat;
    if (hb.cron) Object.assign(form, { schedule: "cron", cron: hb.cron, timezone: hb.timezone ?? "UTC" });
    else if (hb.every) {
      const every = splitDuration(hb.every);
      Object.assign(form, { schedule: "every", everyAmount: String(every.amount), everyUnit: every.unit });
    }
    const grace = splitDuration(hb.graceSeconds, ["hours", "minutes", "seconds"]);
    Object.assign(form, { graceAmount: String(hb.graceSeconds === 0 ? 0 : grace.amount), graceUnit: hb.graceSeconds === 0 ? "minutes" : grace.unit });
  }
  if (settings.threshold) {
    const t = settings.threshold;
    const window = splitDuration(t.windowSeconds);
    Object.assign(form, { aggregate: t.aggregate, field: t.field ?? "", windowAmount: String(window.amount), windowUnit: window.unit, op: t.op, bound: String(t.bound) });
  }
  if (settings.filter) Object.assign(form, { filterOn: true, filterField: settings.filter.field, filterValue: String(settings.filter.equals) });
  form.renotify = settings.renotifySeconds ? String(settings.renotifySeconds) : "";
  return form;
}

/** The offered units, plus the one a monitor made through the API needs (a 90-second period edits as seconds). */
const withUnit = (units: DurationUnit[], current: DurationUnit) => (units.includes(current) ? units : [current, ...units]);

const seconds = (amount: string, unit: DurationUnit) => (amount.trim() === "" ? Number.NaN : Number(amount) * UNIT_SECONDS[unit]);

/** A typed filter value: numbers and true/false as such, anything else as text (events' fields keep their JSON types). */
function filterValueOf(text: string): FilterConfig["equals"] {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1);
  if (t === "true" || t === "false") return t === "true";
  if (t !== "" && /^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

/** The threshold as typed, or null while a part of it is missing or not a number. */
function thresholdOf(form: Form): ThresholdConfig | null {
  const windowSeconds = seconds(form.windowAmount, form.windowUnit);
  const bound = Number(form.bound);
  if (!Number.isFinite(windowSeconds) || windowSeconds < MIN_WINDOW_SECONDS || form.bound.trim() === "" || !Number.isFinite(bound)) return null;
  if (form.aggregate !== "count" && form.field.trim() === "") return null;
  return { aggregate: form.aggregate, field: form.aggregate === "count" ? undefined : form.field.trim(), windowSeconds, op: form.op, bound };
}

function filterOf(form: Form): FilterConfig | null {
  if (!form.filterOn || form.filterField.trim() === "") return null;
  return { field: form.filterField.trim(), equals: filterValueOf(form.filterValue) };
}

/** What is wrong with the form, in one sentence; null when it can be sent. */
function validate(form: Form): string | null {
  if (form.name.trim() === "") return "Give the monitor a name.";
  if (form.categoryId === "") return "Choose the category it watches.";
  if (form.kind === "heartbeat") {
    if (form.schedule === "every") {
      const every = seconds(form.everyAmount, form.everyUnit);
      if (!Number.isInteger(every) || every < MIN_EVERY_SECONDS) return `The period must be at least ${formatDuration(MIN_EVERY_SECONDS)}.`;
    } else if (form.cron.trim().split(/\s+/).length !== 5) return "The cron expression needs five fields: minute hour day month weekday.";
    const grace = seconds(form.graceAmount, form.graceUnit);
    if (!Number.isInteger(grace) || grace < 0) return "The grace time must be a whole number, 0 or more.";
  } else {
    if (form.aggregate !== "count" && form.field.trim() === "") return "Name the field to add up, or count the events instead.";
    const window = seconds(form.windowAmount, form.windowUnit);
    if (!Number.isInteger(window) || window < MIN_WINDOW_SECONDS) return `The window must be at least ${formatDuration(MIN_WINDOW_SECONDS)}.`;
    if (form.bound.trim() === "" || !Number.isFinite(Number(form.bound))) return "The bound must be a number.";
    if ((form.aggregate === "min" || form.aggregate === "max") && window > MAX_FILTERED_WINDOW_SECONDS)
      return `${form.aggregate === "min" ? "Minimum" : "Maximum"} works over windows of at most a day.`;
    if (form.filterOn && window > MAX_FILTERED_WINDOW_SECONDS) return "A filter works over windows of at most a day.";
  }
  if (form.filterOn && form.filterField.trim() === "") return "Name the field to filter on, or turn the filter off.";
  return null;
}

function inputOf(form: Form) {
  const heartbeat =
    form.kind === "heartbeat"
      ? {
          ...(form.schedule === "every" ? { every: seconds(form.everyAmount, form.everyUnit) } : { cron: form.cron.trim().replace(/\s+/g, " "), timezone: form.timezone }),
          graceSeconds: seconds(form.graceAmount, form.graceUnit),
        }
      : undefined;
  return {
    name: form.name.trim(),
    categoryId: form.categoryId,
    kind: form.kind,
    heartbeat,
    threshold: form.kind === "threshold" ? (thresholdOf(form) ?? undefined) : undefined,
    filter: filterOf(form),
    renotifySeconds: form.renotify === "" ? null : Number(form.renotify),
  };
}

/**
 * "Add monitor": the form, then (for a heartbeat) its ping URL, shown once. Controlled, so the
 * page keeps it mounted while the list behind it changes (the first monitor replaces the empty
 * state that opened it).
 */
export function MonitorCreateDialog({ appUrl, open, onOpenChange }: { appUrl: string; open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-h-[calc(100dvh-2rem)] max-w-xl overflow-y-auto" onInteractOutside={(e) => e.preventDefault()} aria-describedby={undefined}>
        {/* Mounted only while open, so every opening starts with a fresh form. */}
        {open ? <MonitorForm appUrl={appUrl} onDone={() => onOpenChange(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

export function MonitorEditDialog({ monitor, appUrl, open, onOpenChange }: { monitor: MonitorItem; appUrl: string; open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-h-[calc(100dvh-2rem)] max-w-xl overflow-y-auto" onInteractOutside={(e) => e.preventDefault()} aria-describedby={undefined}>
        {open ? <MonitorForm monitor={monitor} appUrl={appUrl} onDone={() => onOpenChange(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function MonitorForm({ monitor, appUrl, onDone }: { monitor?: MonitorItem; appUrl: string; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const editing = monitor !== undefined;
  const categories = useQuery(trpc.category.list.queryOptions());
  const [form, setForm] = useState<Form>(() => initialForm(monitor));
  const [clientError, setClientError] = useState<string | null>(null);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const zones = useMemo(timeZones, []);

  // The first category is the default once the list is in.
  // "monitors" is PingPilot's own category (the alerts); a monitor cannot watch it.
  const categoryList = (categories.data ?? []).filter((c) => c.name !== MONITORS_CATEGORY);
  if (form.categoryId === "" && categoryList[0]) set("categoryId", categoryList[0].id);

  const invalidate = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.monitor.list.pathFilter()),
      queryClient.invalidateQueries(trpc.monitor.incidents.pathFilter()),
      queryClient.invalidateQueries(trpc.monitor.get.pathFilter()),
    ]);
  const create = useMutation(
    trpc.monitor.create.mutationOptions({
      onSuccess: async (created) => {
        toast.success(`Monitor “${form.name.trim()}” created`);
        if (!created.pingToken) onDone();
        await invalidate();
      },
    }),
  );
  const update = useMutation(
    trpc.monitor.update.mutationOptions({
      onSuccess: async () => {
        toast.success(`Monitor “${form.name.trim()}” saved`);
        onDone();
        await invalidate();
      },
    }),
  );
  const pending = create.isPending || update.isPending;

  if (create.isSuccess && create.data.pingToken) {
    return (
      <>
        <DialogHeader>
          <DialogTitle>Ping this URL from “{form.name.trim()}”</DialogTitle>
        </DialogHeader>
        <MonitorPingReveal url={create.data.pingUrl ?? pingUrl(appUrl, create.data.pingToken)} />
        <DialogFooter>
          <Button onClick={onDone}>Done</Button>
        </DialogFooter>
      </>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const problem = validate(form);
    setClientError(problem);
    if (problem) return;
    const input = inputOf(form);
    // The kind never changes; the other kind's settings are left out.
    if (monitor)
      update.mutate({
        id: monitor.id,
        name: input.name,
        categoryId: input.categoryId,
        heartbeat: input.heartbeat,
        threshold: input.threshold,
        filter: input.filter,
        renotifySeconds: input.renotifySeconds,
      });
    else create.mutate(input);
  }

  const threshold = form.kind === "threshold" ? thresholdOf(form) : null;
  const serverError = create.isError ? errorMessage(create.error) : update.isError ? errorMessage(update.error) : null;
  const error = clientError ?? serverError;
  const renotifyKnown = RENOTIFY_CHOICES.some((c) => String(c.seconds ?? "") === form.renotify);

  return (
    <>
      <DialogHeader>
        <DialogTitle>{editing ? `Edit ${monitor.name}` : "Add monitor"}</DialogTitle>
        <p className="text-sm text-muted-foreground">
          {form.kind === "heartbeat"
            ? "A heartbeat expects a ping on a schedule — from a cron job, a backup, a queue worker — and alerts when one is missed."
            : "A threshold watches a category's events and alerts when a count or a field's total crosses a bound."}
        </p>
      </DialogHeader>
      <form onSubmit={submit} noValidate className="grid gap-5" data-testid="monitor-form">
        <SegmentedChoice
          name={`${id}-kind`}
          legend="Kind"
          value={form.kind}
          onChange={(kind) => set("kind", kind)}
          disabled={editing}
          options={[
            {
              value: "heartbeat",
              label: (
                <span className="inline-flex items-center gap-1.5">
                  <HeartPulse className="size-4" aria-hidden /> Heartbeat
                </span>
              ),
            },
            {
              value: "threshold",
              label: (
                <span className="inline-flex items-center gap-1.5">
                  <TrendingUp className="size-4" aria-hidden /> Threshold
                </span>
              ),
            },
          ]}
        />

        <div className="grid items-start gap-4 sm:grid-cols-2">
          <FormField id={`${id}-name`} label="Name">
            <Input
              id={`${id}-name`}
              value={form.name}
              onChange={(e) => set("name", e.target.value)}
              placeholder={form.kind === "heartbeat" ? "e.g. Nightly backup" : "e.g. Failed payments"}
              maxLength={64}
              autoComplete="off"
            />
          </FormField>
          <FormField
            id={`${id}-category`}
            label="Category"
            hint={
              categories.isSuccess && categoryList.length === 0 ? (
                <>
                  No categories yet.{" "}
                  <Link href="/dashboard" className="font-medium text-primary-soft-foreground underline-offset-4 hover:underline">
                    Create one first
                  </Link>
                  .
                </>
              ) : form.kind === "heartbeat" ? (
                "Pings are recorded as events here."
              ) : (
                "Its events are the ones counted."
              )
            }
          >
            <NativeSelect className="w-full" value={form.categoryId} onChange={(e) => set("categoryId", e.target.value)} id={`${id}-category`} aria-describedby={`${id}-category-hint`}>
              {categories.isPending ? <option value="">Loading…</option> : null}
              {categoryList.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.emoji ? `${c.emoji} ` : ""}
                  {c.name}
                </option>
              ))}
            </NativeSelect>
          </FormField>
        </div>

        {form.kind === "heartbeat" ? <HeartbeatFields id={id} form={form} set={set} zones={zones} /> : <ThresholdFields id={id} form={form} set={set} />}

        <fieldset className="grid gap-3 rounded-lg border p-4">
          <legend className="px-1 text-sm font-medium">Filter</legend>
          <div className="flex items-center justify-between gap-3 text-sm">
            <div>
              <label htmlFor={`${id}-filter-on`}>Only events where a field has a value</label>
              <p id={`${id}-filter-on-hint`} className="text-xs text-muted-foreground">
                {form.kind === "heartbeat" ? "Other events of the category do not count as a ping." : "Other events of the category are not counted."}
              </p>
            </div>
            <Switch id={`${id}-filter-on`} aria-describedby={`${id}-filter-on-hint`} checked={form.filterOn} onChange={(e) => set("filterOn", e.target.checked)} />
          </div>
          {form.filterOn ? (
            <>
              <div className="grid grid-cols-[1fr_auto_1fr] items-end gap-2">
                <FormField id={`${id}-filter-field`} label="Field">
                  <Input
                    id={`${id}-filter-field`}
                    value={form.filterField}
                    onChange={(e) => set("filterField", e.target.value)}
                    placeholder="e.g. plan"
                    className="font-mono"
                    autoComplete="off"
                    spellCheck={false}
                  />
                </FormField>
                <span className="pb-2 font-mono text-sm text-muted-foreground" aria-hidden>
                  =
                </span>
                <FormField id={`${id}-filter-value`} label="Value">
                  <Input
                    id={`${id}-filter-value`}
                    value={form.filterValue}
                    onChange={(e) => set("filterValue", e.target.value)}
                    placeholder="e.g. PRO"
                    className="font-mono"
                    autoComplete="off"
                    spellCheck={false}
                  />
                </FormField>
              </div>
              <p className="text-xs text-muted-foreground">
                Numbers and true/false match only numbers and booleans; put text in quotes (<code className="font-mono">&quot;42&quot;</code>) to match it as text.
              </p>
            </>
          ) : null}
        </fieldset>

        {form.kind === "threshold" ? <ThresholdPreview categoryId={form.categoryId} threshold={threshold} filter={filterOf(form)} /> : null}

        <FormField id={`${id}-renotify`} label="Remind while it stays down" hint="Another alert at this interval until the incident closes.">
          <NativeSelect id={`${id}-renotify`} className="w-full" value={form.renotify} onChange={(e) => set("renotify", e.target.value)} aria-describedby={`${id}-renotify-hint`}>
            {RENOTIFY_CHOICES.map((c) => (
              <option key={c.label} value={c.seconds === null ? "" : String(c.seconds)}>
                {c.label}
              </option>
            ))}
            {renotifyKnown ? null : <option value={form.renotify}>Every {formatDuration(Number(form.renotify))}</option>}
          </NativeSelect>
        </FormField>

        <ErrorMessage>{error}</ErrorMessage>
        <DialogFooter>
          <Button variant="secondary" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            {editing ? "Save changes" : "Create monitor"}
          </Button>
        </DialogFooter>
      </form>
    </>
  );
}

type FieldsProps = { id: string; form: Form; set: <K extends keyof Form>(key: K, value: Form[K]) => void };

function HeartbeatFields({ id, form, set, zones }: FieldsProps & { zones: string[] }) {
  const every = seconds(form.everyAmount, form.everyUnit);
  const everyInvalid = form.schedule === "every" && form.everyAmount !== "" && (!Number.isInteger(every) || every < MIN_EVERY_SECONDS);
  return (
    <div className="grid gap-4">
      <SegmentedChoice
        name={`${id}-schedule`}
        legend="Schedule"
        value={form.schedule}
        onChange={(schedule) => set("schedule", schedule)}
        options={[
          { value: "every", label: "Every…" },
          { value: "cron", label: "Cron expression" },
        ]}
      />
      {form.schedule === "every" ? (
        <DurationField
          id={`${id}-every`}
          label="Expect a ping every"
          amount={form.everyAmount}
          unit={form.everyUnit}
          units={withUnit(["minutes", "hours", "days"], form.everyUnit)}
          onAmountChange={(v) => set("everyAmount", v)}
          onUnitChange={(u) => set("everyUnit", u)}
          invalid={everyInvalid}
          hint={everyInvalid ? `At least ${formatDuration(MIN_EVERY_SECONDS)}.` : "Counted from the last ping."}
        />
      ) : (
        <div className="grid items-start gap-4 sm:grid-cols-2">
          <FormField id={`${id}-cron`} label="Cron expression" hint="minute hour day month weekday, e.g. 0 3 * * * for 03:00 daily">
            <Input id={`${id}-cron`} value={form.cron} onChange={(e) => set("cron", e.target.value)} className="font-mono" autoComplete="off" spellCheck={false} aria-describedby={`${id}-cron-hint`} />
          </FormField>
          <FormField id={`${id}-timezone`} label="Time zone">
            <NativeSelect id={`${id}-timezone`} className="w-full" value={form.timezone} onChange={(e) => set("timezone", e.target.value)}>
              {(zones.includes(form.timezone) ? zones : [form.timezone, ...zones]).map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replaceAll("_", " ")}
                </option>
              ))}
            </NativeSelect>
          </FormField>
        </div>
      )}
      <DurationField
        id={`${id}-grace`}
        label="Grace time"
        amount={form.graceAmount}
        unit={form.graceUnit}
        units={["seconds", "minutes", "hours"]}
        onAmountChange={(v) => set("graceAmount", v)}
        onUnitChange={(u) => set("graceUnit", u)}
        hint="How late a ping may be before the monitor is down and you are alerted."
      />
    </div>
  );
}

function ThresholdFields({ id, form, set }: FieldsProps) {
  const needsField = form.aggregate !== "count";
  // Two columns that fill in reading order: measure, (field,) window, rule.
  return (
    <div className="grid items-start gap-4 sm:grid-cols-2">
      <FormField id={`${id}-aggregate`} label="Measure">
        <NativeSelect id={`${id}-aggregate`} className="w-full" value={form.aggregate} onChange={(e) => set("aggregate", e.target.value as Aggregate)}>
          {(Object.keys(AGGREGATE_LABELS) as Aggregate[]).map((a) => (
            <option key={a} value={a}>
              {AGGREGATE_LABELS[a]}
            </option>
          ))}
        </NativeSelect>
      </FormField>
      {needsField ? (
        <FormField id={`${id}-field`} label="Field" hint="A number field of the events, e.g. amount.">
          <Input
            id={`${id}-field`}
            value={form.field}
            onChange={(e) => set("field", e.target.value)}
            placeholder="e.g. amount"
            className="font-mono"
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${id}-field-hint`}
          />
        </FormField>
      ) : null}
      <DurationField
        id={`${id}-window`}
        label="Over the last"
        amount={form.windowAmount}
        unit={form.windowUnit}
        units={withUnit(["minutes", "hours", "days"], form.windowUnit)}
        onAmountChange={(v) => set("windowAmount", v)}
        onUnitChange={(u) => set("windowUnit", u)}
      />
      <fieldset className="grid content-start gap-2">
        <legend className="mb-2 text-sm leading-none font-medium">Alert when it is</legend>
        <div className="flex gap-2">
          <NativeSelect className="min-w-0 flex-1" value={form.op} onChange={(e) => set("op", e.target.value as ThresholdOp)} aria-label="Operator">
            {(Object.keys(OP_LABELS) as ThresholdOp[]).map((op) => (
              <option key={op} value={op}>
                {OP_LABELS[op]}
              </option>
            ))}
          </NativeSelect>
          <Input type="number" inputMode="decimal" step="any" value={form.bound} onChange={(e) => set("bound", e.target.value)} aria-label="Bound" className="w-24 shrink-0 tabular-nums" />
        </div>
      </fieldset>
    </div>
  );
}
