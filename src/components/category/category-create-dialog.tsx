"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { LoaderCircle } from "lucide-react";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { toast } from "sonner";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { CATEGORY_NAME_PATTERN, CATEGORY_NAME_RULE, PRESET_COLORS, PRESET_EMOJIS } from "@/shared/category";
import { useTRPC } from "@/trpc/client";
import { ColorField, EmojiField, resolveEmoji } from "./category-style-fields";
import { errorMessage } from "@/lib/app-error";

/** "Add category": name, colour and emoji; server errors (name taken, plan limit) show inline. */
export function CategoryCreateDialog({ trigger }: { trigger: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-h-[calc(100dvh-2rem)] max-w-lg overflow-y-auto">
        <DialogHeader>
          <DialogTitle>Add category</DialogTitle>
          <DialogDescription>A category groups events of one kind, like sales or sign-ups. Your apps send its name with each event.</DialogDescription>
        </DialogHeader>
        {/* Mounted only while open, so every opening starts with a fresh form. */}
        {open ? <CreateForm onDone={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function CreateForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState("");
  const [color, setColor] = useState<string>(PRESET_COLORS[8]);
  const [emoji, setEmoji] = useState<string | null>(PRESET_EMOJIS[3]);
  const [customEmoji, setCustomEmoji] = useState("");
  const [clientError, setClientError] = useState<string | null>(null);

  const create = useMutation(
    trpc.category.create.mutationOptions({
      onSuccess: async (category) => {
        toast.success(`Category “${category.name}” created`);
        onDone();
        await Promise.all([queryClient.invalidateQueries({ queryKey: trpc.category.list.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.quota.get.queryKey() })]);
      },
    }),
  );

  const nameInvalid = name !== "" && !CATEGORY_NAME_PATTERN.test(name);

  function submit(event: FormEvent) {
    event.preventDefault();
    setClientError(null);
    const finalName = name.trim();
    if (!CATEGORY_NAME_PATTERN.test(finalName)) {
      setClientError(`The name must be ${CATEGORY_NAME_RULE}.`);
      return;
    }
    const finalEmoji = resolveEmoji(emoji, customEmoji);
    if (finalEmoji === undefined) {
      setClientError("Custom emoji must be a single emoji.");
      return;
    }
    create.mutate({ name: finalName, color, emoji: finalEmoji });
  }

  const error = clientError ?? (create.isError ? errorMessage(create.error) : null);

  return (
    <form onSubmit={submit} noValidate className="grid gap-5">
      <div className="grid gap-2">
        <Label htmlFor={`${id}-name`}>Name</Label>
        <Input
          id={`${id}-name`}
          value={name}
          onChange={(e) => setName(e.target.value.toLowerCase().replace(/\s/g, "-"))}
          placeholder="e.g. signup"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={32}
          required
          autoFocus
          aria-invalid={nameInvalid || undefined}
          aria-describedby={`${id}-name-hint`}
          className="font-mono"
        />
        <p id={`${id}-name-hint`} className={nameInvalid ? "text-xs text-destructive" : "text-xs text-muted-foreground"}>
          {CATEGORY_NAME_RULE}.
        </p>
      </div>

      <ColorField value={color} onChange={setColor} />
      <EmojiField value={emoji} onChange={setEmoji} customText={customEmoji} onCustomTextChange={setCustomEmoji} />

      <CategoryPreview name={name || "category-name"} color={color} emoji={resolveEmoji(emoji, customEmoji) ?? null} />

      <CategoryFormFooter error={error} pending={create.isPending} onCancel={onDone} submitLabel="Create category" />
    </form>
  );
}

/** The form's error (if any), then Cancel and the submit button with its spinner. */
export function CategoryFormFooter({ error, pending, onCancel, submitLabel }: { error: string | null; pending: boolean; onCancel: () => void; submitLabel: string }) {
  return (
    <>
      <ErrorMessage>{error}</ErrorMessage>
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={pending}>
          {pending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
          {submitLabel}
        </Button>
      </DialogFooter>
    </>
  );
}

/** How the card will look: colour dot, emoji and name. */
export function CategoryPreview({ name, color, emoji }: { name: string; color: string; emoji: string | null }) {
  return (
    <div className="flex items-center gap-3 rounded-lg border bg-muted/60 px-3 py-2.5 text-sm" aria-hidden>
      <span className="text-xs text-muted-foreground">Preview</span>
      <span className="size-3 shrink-0 rounded-full" style={{ backgroundColor: color }} />
      {emoji ? <span className="text-base leading-none">{emoji}</span> : null}
      <span className="min-w-0 truncate font-medium">{name}</span>
    </div>
  );
}
