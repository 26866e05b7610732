import type { ReactNode } from "react";
import { Input } from "./input";
import { Label } from "./label";

/** A label, its control and an optional hint, wired together for screen readers. */
export function FormField({ id, label, hint, labelAside, children }: { id: string; label: string; hint?: ReactNode; labelAside?: ReactNode; children: ReactNode }) {
  return (
    <div className="grid gap-2">
      {labelAside ? (
        <div className="flex items-center justify-between gap-2">
          <Label htmlFor={id}>{label}</Label>
          {labelAside}
        </div>
      ) : (
        <Label htmlFor={id}>{label}</Label>
      )}
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

const NEW_PASSWORD_HINT = "At least 12 characters. Long passphrases are great.";

/** A required password input with its label; a new password also gets the length hint. */
export function PasswordField({
  id,
  label,
  autoComplete,
  value,
  onChange,
  labelAside,
}: {
  id: string;
  label: string;
  autoComplete: "current-password" | "new-password";
  value: string;
  onChange: (value: string) => void;
  labelAside?: ReactNode;
}) {
  const hint = autoComplete === "new-password" ? NEW_PASSWORD_HINT : undefined;
  return (
    <FormField id={id} label={label} hint={hint} labelAside={labelAside}>
      <Input id={id} name={id} type="password" autoComplete={autoComplete} required aria-describedby={hint ? `${id}-hint` : undefined} value={value} onChange={(e) => onChange(e.target.value)} />
    </FormField>
  );
}
