import { cn, initialsOf } from "@/lib/utils";

export function UserAvatar({ name, email, image, className }: { name: string; email: string; image: string | null; className?: string }) {
  return (
    <span className={cn("grid size-8 shrink-0 place-items-center overflow-hidden rounded-full bg-primary-soft text-xs font-semibold text-primary-soft-foreground", className)}>
      {image ? (
        // biome-ignore lint/performance/noImgElement: avatars come from any OAuth provider's host, which next/image would have to allow-list
        <img src={image} alt="" className="size-full object-cover" referrerPolicy="no-referrer" />
      ) : (
        <span aria-hidden>{initialsOf(name, email)}</span>
      )}
    </span>
  );
}
