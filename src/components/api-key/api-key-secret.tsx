import { TriangleAlert } from "lucide-react";
import { Alert, AlertContent } from "@/components/ui/alert";
import { CopyField } from "@/components/ui/copy-field";

/** A freshly made key, shown once, with a copy button and the once-only warning. */
export function ApiKeySecret({ value }: { value: string }) {
  return (
    <div className="grid min-w-0 gap-3">
      <CopyField value={value} itemName="key" testId="new-api-key" />
      <ApiKeyShownOnceWarning />
    </div>
  );
}

export function ApiKeyShownOnceWarning() {
  return (
    <Alert variant="warning">
      <TriangleAlert aria-hidden />
      <AlertContent>This key is shown only once. Copy it now and keep it somewhere safe — PingPilot stores only a hash and cannot show it again.</AlertContent>
    </Alert>
  );
}
