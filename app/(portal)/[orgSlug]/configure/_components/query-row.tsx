"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { cellClassName } from "@/app/_components/table-parts";
import { Alert, Button, cn } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { INDICATOR_TYPES } from "@/lib/vocabulary";
import { SORT_DIRECTION_LABELS, SORT_FIELD_LABELS } from "./configure-types";
import type { QueryRowDraft } from "./query-edit-session";
import { QueryPreview } from "./query-preview";

export const QUERY_COLUMN_COUNT = 6;

const arrowClassName = "rounded px-1 text-slate-500 hover:bg-slate-100 hover:text-slate-900 disabled:opacity-30";

/**
 * One query, with its own Validate and Preview results underneath. A tbody per query keeps the row and its
 * results together when the row is dragged.
 */
export function QueryRow({
  orgSlug,
  serviceId,
  row,
  position,
  isEditing,
  isFirst,
  isLast,
  isDragged,
  onMove,
  onEdit,
  onDelete,
  onDragStart,
  onDragEnd,
  onDrop,
}: {
  orgSlug: string;
  serviceId: string;
  row: QueryRowDraft;
  position: number;
  isEditing: boolean;
  isFirst: boolean;
  isLast: boolean;
  isDragged: boolean;
  onMove: (offset: -1 | 1) => void;
  onEdit: () => void;
  onDelete: () => void;
  onDragStart: () => void;
  onDragEnd: () => void;
  onDrop: () => void;
}) {
  const trpc = useTRPC();
  const validate = useMutation(trpc.query.validate.mutationOptions());
  const preview = useMutation(trpc.query.preview.mutationOptions());
  const [isDropTarget, setIsDropTarget] = useState(false);
  const { key: _key, id: _id, ...query } = row;
  const label = `query ${position}`;
  const hasChecks =
    validate.data !== undefined ||
    validate.error !== null ||
    preview.data !== undefined ||
    preview.error !== null ||
    preview.isPending;

  return (
    <tbody
      className={cn(
        "border-b border-slate-100 last:border-b-0",
        isDragged && "opacity-50",
        isDropTarget && "border-t-2 border-t-brand-600",
      )}
    >
      <tr
        data-testid="query-row"
        draggable={isEditing}
        onDragStart={(event) => {
          event.dataTransfer.effectAllowed = "move";
          event.dataTransfer.setData("text/plain", row.key);
          onDragStart();
        }}
        onDragEnd={onDragEnd}
        onDragOver={(event) => {
          if (!isEditing) return;
          event.preventDefault();
          setIsDropTarget(true);
        }}
        onDragLeave={() => setIsDropTarget(false)}
        onDrop={(event) => {
          event.preventDefault();
          setIsDropTarget(false);
          onDrop();
        }}
        className={cn("hover:bg-slate-50", isEditing && "cursor-move")}
      >
        <td className={cn(cellClassName, "whitespace-nowrap")}>
          <div className="flex items-center gap-1">
            {isEditing ? (
              <span className="flex flex-col">
                <button
                  type="button"
                  className={arrowClassName}
                  aria-label={`Move ${label} up`}
                  disabled={isFirst}
                  onClick={() => onMove(-1)}
                >
                  ▲
                </button>
                <button
                  type="button"
                  className={arrowClassName}
                  aria-label={`Move ${label} down`}
                  disabled={isLast}
                  onClick={() => onMove(1)}
                >
                  ▼
                </button>
              </span>
            ) : null}
            <span className="font-medium text-slate-700">{position}</span>
          </div>
        </td>
        <td className={cn(cellClassName, "text-slate-800")}>{row.owners.join(", ")}</td>
        <td className={cn(cellClassName, "text-slate-700")}>
          {row.types.length === INDICATOR_TYPES.length ? "All nine types" : row.types.join(", ")}
        </td>
        <td className={cn(cellClassName, "max-w-xs")}>
          <code className="break-words font-mono text-xs text-slate-900" data-testid="query-tql">
            {row.tql}
          </code>
        </td>
        <td className={cn(cellClassName, "whitespace-nowrap text-slate-700")}>
          {SORT_FIELD_LABELS[row.sortField]}, {SORT_DIRECTION_LABELS[row.sortDirection].toLowerCase()}
        </td>
        <td className={cellClassName}>
          <div className="flex flex-wrap justify-end gap-1">
            <Button
              variant="ghost"
              aria-label={`Validate ${label}`}
              disabled={validate.isPending}
              onClick={() => validate.mutate({ orgSlug, serviceId, ...query })}
            >
              {validate.isPending ? "Validating…" : "Validate"}
            </Button>
            <Button
              variant="ghost"
              aria-label={`Preview ${label}`}
              disabled={preview.isPending}
              onClick={() => preview.mutate({ orgSlug, serviceId, query })}
            >
              {preview.isPending ? "Loading…" : "Preview"}
            </Button>
            {isEditing ? (
              <>
                <Button variant="ghost" aria-label={`Edit ${label}`} onClick={onEdit}>
                  Edit
                </Button>
                <Button
                  variant="ghost"
                  className="text-red-700 hover:bg-red-50"
                  aria-label={`Delete ${label}`}
                  onClick={onDelete}
                >
                  Delete
                </Button>
              </>
            ) : null}
          </div>
        </td>
      </tr>
      {hasChecks ? (
        <tr>
          <td colSpan={QUERY_COLUMN_COUNT} className="space-y-2 bg-slate-50 px-4 py-3">
            {validate.data ? (
              validate.data.ok ? (
                <Alert tone="success">
                  <span data-testid="validate-result">
                    {validate.data.count} indicator{validate.data.count === 1 ? "" : "s"} match
                  </span>
                </Alert>
              ) : (
                <Alert>
                  <span data-testid="validate-result">ThreatConnect: {validate.data.message}</span>
                </Alert>
              )
            ) : null}
            {validate.error ? <Alert>{validate.error.message}</Alert> : null}
            {preview.isPending ? <p className="text-sm text-slate-500">Loading preview from ThreatConnect…</p> : null}
            {preview.error ? <Alert>{preview.error.message}</Alert> : null}
            {preview.data ? <QueryPreview result={preview.data} onClose={() => preview.reset()} /> : null}
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}
