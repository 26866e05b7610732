import type { ReactNode } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/select";
import type { DurationUnit } from "./monitor-format";

const UNIT_WORDS: Record<DurationUnit, string> = { seconds: "seconds", minutes: "minutes", hours: "hours", days: "days" };

/** A length of time typed as a number and a unit ("5" "minutes"); one label names both. */
export function DurationField({
  id,
  label,
  amount,
  unit,
  units,
  onAmountChange,
  onUnitChange,
  hint,
  invalid,
}: {
  id: string;
  label: string;
  amount: string;
  unit: DurationUnit;
  units: DurationUnit[];
  onAmountChange: (value: string) => void;
  onUnitChange: (unit: DurationUnit) => void;
  hint?: ReactNode;
  invalid?: boolean;
}) {
  return (
    <div className="grid gap-2">
      <Label htmlFor={id}>{label}</Label>
      <div className="flex gap-2">
        <Input
          id={id}
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          value={amount}
          onChange={(e) => onAmountChange(e.target.value)}
          aria-invalid={invalid || undefined}
          aria-describedby={hint ? `${id}-hint` : undefined}
          className="w-24 shrink-0 tabular-nums"
        />
        <NativeSelect className="min-w-0 flex-1" value={unit} onChange={(e) => onUnitChange(e.target.value as DurationUnit)} aria-label={`${label}: unit`}>
          {units.map((u) => (
            <option key={u} value={u}>
              {UNIT_WORDS[u]}
            </option>
          ))}
        </NativeSelect>
      </div>
      {hint ? (
        <p id={`${id}-hint`} className={invalid ? "text-xs text-destructive" : "text-xs text-muted-foreground"}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
