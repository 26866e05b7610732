"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { PRESET_EMOJIS } from "@/shared/category";
import { useTRPC } from "@/trpc/client";
import { CategoryFormFooter, CategoryPreview } from "./category-create-dialog";
import { ColorField, EmojiField, resolveEmoji } from "./category-style-fields";
import type { CategoryItem } from "./category-card";
import { errorMessage } from "@/lib/app-error";

/** Changes a category's colour and emoji; the name is fixed because apps send it with every event. */
export function CategoryEditDialog({ category, open, onOpenChange }: { category: CategoryItem; open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-h-[calc(100dvh-2rem)] max-w-lg overflow-y-auto">
        <DialogHeader>
          <DialogTitle>Edit {category.name}</DialogTitle>
          <DialogDescription>Change the colour and emoji. The name stays the same, so your apps keep working.</DialogDescription>
        </DialogHeader>
        {open ? <EditForm category={category} onDone={() => onOpenChange(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function EditForm({ category, onDone }: { category: CategoryItem; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isPresetEmoji = category.emoji === null || (PRESET_EMOJIS as readonly string[]).includes(category.emoji);
  const [color, setColor] = useState(category.color);
  const [emoji, setEmoji] = useState<string | null>(isPresetEmoji ? category.emoji : null);
  const [customEmoji, setCustomEmoji] = useState(isPresetEmoji ? "" : (category.emoji ?? ""));
  const [clientError, setClientError] = useState<string | null>(null);

  const update = useMutation(
    trpc.category.update.mutationOptions({
      onSuccess: async () => {
        toast.success(`Category “${category.name}” updated`);
        onDone();
        await queryClient.invalidateQueries({ queryKey: trpc.category.list.queryKey() });
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    setClientError(null);
    const finalEmoji = resolveEmoji(emoji, customEmoji);
    if (finalEmoji === undefined) {
      setClientError("Custom emoji must be a single emoji.");
      return;
    }
    update.mutate({ id: category.id, color, emoji: finalEmoji });
  }

  const error = clientError ?? (update.isError ? errorMessage(update.error) : null);

  return (
    <form onSubmit={submit} noValidate className="grid gap-5">
      <ColorField value={color} onChange={setColor} />
      <EmojiField value={emoji} onChange={setEmoji} customText={customEmoji} onCustomTextChange={setCustomEmoji} />
      <CategoryPreview name={category.name} color={color} emoji={resolveEmoji(emoji, customEmoji) ?? null} />
      <CategoryFormFooter error={error} pending={update.isPending} onCancel={onDone} submitLabel="Save changes" />
    </form>
  );
}
