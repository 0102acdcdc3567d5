"use client";

import { useId, useRef, useState, type ReactNode } from "react";
import { Button, cn, Input } from "./ui";

/** The row of filters above a table; "Clear filters" appears once any is set. */
export function FilterBar({
  label,
  isFiltered,
  onClear,
  children,
}: {
  label: string;
  isFiltered: boolean;
  onClear: () => void;
  children: ReactNode;
}) {
  const barRef = useRef<HTMLDivElement>(null);
  return (
    <div ref={barRef} role="search" aria-label={label} className="mb-3 flex flex-wrap items-end gap-3">
      {children}
      {isFiltered ? (
        <Button
          variant="ghost"
          onClick={() => {
            // An open multi-select list would otherwise stay open over the rows it no longer filters.
            barRef.current?.querySelectorAll("details[open]").forEach((list) => list.removeAttribute("open"));
            onClear();
          }}
        >
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}

/**
 * Several values of one field (statuses, services). A native <details> disclosure: Enter or Space opens it, Tab
 * walks the checkboxes, Escape closes it, and it works before hydration.
 */
export function MultiSelectFilter<TValue extends string>({
  label,
  options,
  selected,
  onChange,
}: {
  label: string;
  options: readonly { value: TValue; label: string }[];
  selected: readonly string[];
  onChange: (selected: TValue[]) => void;
}) {
  const summary =
    selected.length === 0
      ? "All"
      : selected.length === 1
        ? (options.find((option) => option.value === selected[0])?.label ?? selected[0])
        : `${selected.length} selected`;
  return (
    <details
      className="group relative"
      onKeyDown={(event) => {
        if (event.key !== "Escape" || !event.currentTarget.open) return;
        // Escape closes the list and puts focus back on its toggle, as a native select does.
        event.currentTarget.open = false;
        event.currentTarget.querySelector("summary")?.focus();
      }}
    >
      <summary
        className={cn(
          "flex cursor-pointer list-none items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm",
          selected.length > 0 && "border-brand-600",
        )}
      >
        <span className="font-medium text-slate-700">{label}:</span>
        <span className="text-slate-900">{summary}</span>
        <span aria-hidden className="text-slate-400 group-open:rotate-180">
          ▾
        </span>
      </summary>
      <fieldset className="absolute z-10 mt-1 min-w-48 space-y-1 rounded-md border border-slate-200 bg-white p-2 shadow-lg">
        <legend className="sr-only">{label}</legend>
        {options.map((option) => (
          <label key={option.value} className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50">
            <input
              type="checkbox"
              className="size-4 rounded border-slate-300"
              checked={selected.includes(option.value)}
              onChange={(event) =>
                onChange(
                  options
                    .map((candidate) => candidate.value)
                    .filter((value) => (value === option.value ? event.target.checked : selected.includes(value))),
                )
              }
            />
            {option.label}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

/**
 * Free text such as a request-id prefix. It applies on Enter or when focus leaves, not on each keystroke, so a
 * half-typed value does not fire a query per character.
 */
export function TextFilter({
  label,
  value,
  placeholder,
  onCommit,
}: {
  label: string;
  value: string;
  placeholder?: string;
  onCommit: (value: string) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  const [committed, setCommitted] = useState(value);
  if (value !== committed) {
    // The URL changed underneath (Clear filters, back button): show what is applied.
    setCommitted(value);
    setDraft(value);
  }
  const commit = () => {
    if (draft.trim() !== value) onCommit(draft.trim());
  };
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <Input
        id={id}
        type="search"
        value={draft}
        placeholder={placeholder}
        className="w-64"
        onChange={(event) => setDraft(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            commit();
          }
        }}
      />
    </div>
  );
}
