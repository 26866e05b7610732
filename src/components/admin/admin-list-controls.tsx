"use client";
import { ChevronLeft, ChevronRight, Search } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { formatNumber } from "@/lib/format-number";

/** What the lists ask for: the search text (after a pause in typing) and the page. */
export function useListState() {
  const [state, setState] = useState({ search: "", page: 1 });
  return {
    ...state,
    setPage: useCallback((page: number) => setState((s) => ({ ...s, page })), []),
    /** A different search starts on its first page; the same one keeps the page. */
    setSearch: useCallback((search: string) => setState((s) => (s.search === search ? s : { search, page: 1 })), []),
  };
}

/** A search box that reports its text 300 ms after the typing stops (and at once on Enter). */
export function SearchField({ label, placeholder, onSearch }: { label: string; placeholder: string; onSearch: (value: string) => void }) {
  const [text, setText] = useState("");
  const report = useRef(onSearch);
  useEffect(() => {
    report.current = onSearch;
  });
  useEffect(() => {
    const timer = setTimeout(() => report.current(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <search className="block w-full sm:max-w-xs">
      <form
        className="relative"
        onSubmit={(event) => {
          event.preventDefault();
          onSearch(text.trim());
        }}
      >
        <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
        <Input type="search" value={text} maxLength={100} onChange={(e) => setText(e.target.value)} placeholder={placeholder} aria-label={label} className="pl-9" />
      </form>
    </search>
  );
}

/** "Page 2 of 5 · 93 accounts" with previous and next. */
export function Pager({ page, pages, total, noun, onPage }: { page: number; pages: number; total: number; noun: [string, string]; onPage: (page: number) => void }) {
  return (
    <div className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm text-muted-foreground">
      <p aria-live="polite">
        Page {formatNumber(page)} of {formatNumber(pages)} · {formatNumber(total)} {total === 1 ? noun[0] : noun[1]}
      </p>
      <div className="flex gap-2">
        <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          <ChevronLeft aria-hidden /> Previous
        </Button>
        <Button variant="secondary" size="sm" disabled={page >= pages} onClick={() => onPage(page + 1)}>
          Next <ChevronRight aria-hidden />
        </Button>
      </div>
    </div>
  );
}
