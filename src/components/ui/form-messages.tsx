import { CircleAlert, CircleCheck, TriangleAlert } from "lucide-react";
import type { ReactNode } from "react";
import { Alert, AlertContent } from "@/components/ui/alert";

/** An error the user must read; announced by screen readers. */
export function ErrorMessage({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <Alert variant="destructive" role="alert">
      <CircleAlert aria-hidden />
      <AlertContent>{children}</AlertContent>
    </Alert>
  );
}

/** A confirmation ("check your inbox"); announced politely. */
export function SuccessMessage({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <Alert variant="success" role="status">
      <CircleCheck aria-hidden />
      <AlertContent>{children}</AlertContent>
    </Alert>
  );
}

/** A setup problem on this instance or browser. */
export function WarningMessage({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <Alert variant="warning" data-testid={testId}>
      <TriangleAlert aria-hidden />
      <AlertContent>{children}</AlertContent>
    </Alert>
  );
}
