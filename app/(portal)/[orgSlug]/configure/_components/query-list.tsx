"use client";

import { useState } from "react";
import {
  HiddenHeader,
  TableElement,
  TableEmpty,
  TableFrame,
  TableHead,
  TableMessageRow,
} from "@/app/_components/table-parts";
import type { QueryRowDraft } from "./query-edit-session";
import { QUERY_COLUMN_COUNT, QueryRow } from "./query-row";

const HEADER_CELLS = [
  { id: "position", label: "#" },
  { id: "owners", label: "Owners" },
  { id: "types", label: "Types" },
  { id: "tql", label: "TQL" },
  { id: "sort", label: "Sort" },
  { id: "actions", label: <HiddenHeader>Actions</HiddenHeader> },
];

/**
 * The ordered queries. While editing, rows move with their arrow buttons (keyboard) or by dragging; the list
 * reports each move and the editor owns the order.
 */
export function QueryList({
  orgSlug,
  serviceId,
  rows,
  isEditing,
  canEdit,
  onMove,
  onEdit,
  onDelete,
}: {
  orgSlug: string;
  serviceId: string;
  rows: readonly QueryRowDraft[];
  isEditing: boolean;
  canEdit: boolean;
  onMove: (from: number, to: number) => void;
  onEdit: (key: string) => void;
  onDelete: (key: string) => void;
}) {
  const [draggedKey, setDraggedKey] = useState<string | null>(null);
  return (
    <TableFrame>
      <TableElement label="TQL queries">
        <TableHead cells={HEADER_CELLS} />
        {rows.length === 0 ? (
          <tbody>
            <TableMessageRow columnCount={QUERY_COLUMN_COUNT}>
              <TableEmpty title="No queries yet">
                {canEdit
                  ? "Click Edit, then Add, to choose the owners, indicator types and TQL of the indicators to send."
                  : "An admin adds the TQL queries that choose which indicators are sent."}
              </TableEmpty>
            </TableMessageRow>
          </tbody>
        ) : null}
        {rows.map((row, index) => (
          <QueryRow
            key={row.key}
            orgSlug={orgSlug}
            serviceId={serviceId}
            row={row}
            position={index + 1}
            isEditing={isEditing}
            isFirst={index === 0}
            isLast={index === rows.length - 1}
            isDragged={draggedKey === row.key}
            onMove={(offset) => onMove(index, index + offset)}
            onEdit={() => onEdit(row.key)}
            onDelete={() => onDelete(row.key)}
            onDragStart={() => setDraggedKey(row.key)}
            onDragEnd={() => setDraggedKey(null)}
            onDrop={() => {
              const from = rows.findIndex((candidate) => candidate.key === draggedKey);
              if (from >= 0) onMove(from, index);
              setDraggedKey(null);
            }}
          />
        ))}
      </TableElement>
    </TableFrame>
  );
}
