"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/errors";
import { Alert, Button, Dialog, EmptyState, cn } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import {
  RUN_MODE_LABELS,
  SORT_DIRECTION_LABELS,
  SORT_FIELD_LABELS,
  type QueryDraft,
  type RunMode,
  type SavedQuery,
} from "./configure-types";
import { QueryDialog } from "./query-dialog";
import { QueryPreview } from "./query-preview";

/** A query as the table shows it; `key` is client-only and changes when the query's content does. */
type Row = QueryDraft & { key: string };

type EditSession = { queriesVersion: number; rows: Row[] };
type OpenDialog = { kind: "add" } | { kind: "edit"; key: string } | { kind: "save" } | null;

const rowOf = ({ id, owners, types, tql, sortField, sortDirection }: SavedQuery): Row => ({
  key: id,
  id,
  owners,
  types,
  tql,
  sortField,
  sortDirection,
});

function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item === undefined) return next;
  next.splice(to, 0, item);
  return next;
}

export function QueriesEditor({
  orgSlug,
  serviceId,
  canEdit,
}: {
  orgSlug: string;
  serviceId: string;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const listOptions = trpc.query.list.queryOptions({ orgSlug, serviceId });
  const { data } = useSuspenseQuery(listOptions);
  const [session, setSession] = useState<EditSession | null>(null);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [draggedKey, setDraggedKey] = useState<string | null>(null);
  const nextKey = useRef(0);
  const freshKey = () => `draft-${(nextKey.current += 1)}`;

  const save = useMutation(
    trpc.query.save.mutationOptions({
      onSuccess: async (list) => {
        queryClient.setQueryData(listOptions.queryKey, list);
        setSession(null);
        setDialog(null);
        await queryClient.invalidateQueries(trpc.service.pathFilter());
        await queryClient.invalidateQueries(trpc.audit.pathFilter());
      },
    }),
  );
  const isConflict = fieldErrorsOf(save.error).queriesVersion !== undefined;
  const saveError =
    fieldErrorsOf(save.error).queriesVersion ?? fieldErrorsOf(save.error).queries ?? formErrorOf(save.error);

  const rows = session?.rows ?? data.queries.map(rowOf);
  const isEditing = session !== null;
  const updateRows = (change: (rows: Row[]) => Row[]) =>
    setSession((current) => (current ? { ...current, rows: change(current.rows) } : current));
  const move = (from: number, to: number) => {
    if (to < 0 || to >= rows.length) return;
    updateRows((current) => moved(current, from, to));
  };

  function startEditing() {
    save.reset();
    setSession({ queriesVersion: data.queriesVersion, rows: data.queries.map(rowOf) });
  }

  async function reloadAfterConflict() {
    setSession(null);
    setDialog(null);
    save.reset();
    await queryClient.invalidateQueries(trpc.query.list.queryFilter({ orgSlug, serviceId }));
  }

  function submitSave(runMode: RunMode) {
    if (!session) return;
    save.mutate({
      orgSlug,
      serviceId,
      queriesVersion: session.queriesVersion,
      runMode,
      queries: session.rows.map(({ key: _key, ...query }) => query),
    });
  }

  const editedRow = dialog?.kind === "edit" ? rows.find((row) => row.key === dialog.key) : undefined;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <p className="max-w-3xl text-sm text-slate-600">
          Queries run in this order. When several return the same indicator, only the copy from the highest query in the
          table is sent to Microsoft Sentinel.
        </p>
        {canEdit ? (
          <div className="flex flex-wrap gap-2">
            {isEditing ? (
              <>
                <Button variant="secondary" onClick={() => setDialog({ kind: "add" })}>
                  Add
                </Button>
                <Button variant="ghost" onClick={() => setSession(null)}>
                  Cancel
                </Button>
                <Button onClick={() => setDialog({ kind: "save" })}>Save</Button>
              </>
            ) : (
              <Button onClick={startEditing}>Edit</Button>
            )}
          </div>
        ) : null}
      </div>

      {isEditing ? (
        <Alert tone="info">
          Editing: add, change, reorder (arrows or drag) and delete queries. Nothing is saved until you click Save.
        </Alert>
      ) : null}
      {saveError && dialog?.kind !== "save" ? <Alert>{saveError}</Alert> : null}

      {rows.length === 0 ? (
        <EmptyState title="No queries yet">
          {canEdit
            ? "Click Edit, then Add, to choose the owners, indicator types and TQL of the indicators to send."
            : "An admin adds the TQL queries that choose which indicators are sent."}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm" aria-label="TQL queries">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-3 py-2 font-medium">#</th>
                <th className="px-3 py-2 font-medium">Owners</th>
                <th className="px-3 py-2 font-medium">Types</th>
                <th className="px-3 py-2 font-medium">TQL</th>
                <th className="px-3 py-2 font-medium">Sort</th>
                <th className="px-3 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
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
                onMove={(offset) => move(index, index + offset)}
                onEdit={() => setDialog({ kind: "edit", key: row.key })}
                onDelete={() => updateRows((current) => current.filter((candidate) => candidate.key !== row.key))}
                onDragStart={() => setDraggedKey(row.key)}
                onDragEnd={() => setDraggedKey(null)}
                onDrop={() => {
                  const from = rows.findIndex((candidate) => candidate.key === draggedKey);
                  if (from >= 0) move(from, index);
                  setDraggedKey(null);
                }}
              />
            ))}
          </table>
        </div>
      )}

      {dialog?.kind === "add" || editedRow ? (
        <QueryDialog
          orgSlug={orgSlug}
          serviceId={serviceId}
          initial={editedRow}
          onClose={() => setDialog(null)}
          onSubmit={(draft) => {
            if (editedRow) {
              updateRows((current) =>
                current.map((row) =>
                  row.key === editedRow.key ? { ...draft, id: editedRow.id, key: freshKey() } : row,
                ),
              );
            } else {
              updateRows((current) => [...current, { ...draft, key: freshKey() }]);
            }
            setDialog(null);
          }}
        />
      ) : null}

      {dialog?.kind === "save" ? (
        <Dialog
          title="Save changes"
          description={`Currently the next run is a ${RUN_MODE_LABELS[data.nextRunMode]}. Choose what the next scheduled run sends.`}
          onClose={() => setDialog(null)}
          footer={
            <>
              <Button variant="secondary" onClick={() => setDialog(null)} autoFocus>
                Cancel
              </Button>
              <Button variant="secondary" disabled={save.isPending} onClick={() => submitSave("delta")}>
                Save and Run Delta Update
              </Button>
              <Button disabled={save.isPending} onClick={() => submitSave("full")}>
                Save and Run Full Update
              </Button>
            </>
          }
        >
          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
            <li>
              <span className="font-medium">Delta update</span>: the next run sends only indicators modified since the
              last successful run.
            </li>
            <li>
              <span className="font-medium">Full update</span>: the next run sends every indicator the queries return.
            </li>
          </ul>
          {saveError ? (
            <div className="mt-4 space-y-2">
              <Alert>{saveError}</Alert>
              {isConflict ? (
                <Button variant="secondary" onClick={() => void reloadAfterConflict()}>
                  Reload queries
                </Button>
              ) : null}
            </div>
          ) : null}
        </Dialog>
      ) : null}
    </div>
  );
}

function QueryRow({
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
  row: Row;
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
  const query = {
    owners: row.owners,
    types: row.types,
    tql: row.tql,
    sortField: row.sortField,
    sortDirection: row.sortDirection,
  };
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
        className={cn("align-top", isEditing && "cursor-move")}
      >
        <td className="whitespace-nowrap px-3 py-2">
          <div className="flex items-center gap-1">
            {isEditing ? (
              <span className="flex flex-col">
                <button
                  type="button"
                  className="rounded px-1 text-slate-500 hover:bg-slate-100 hover:text-slate-900 disabled:opacity-30"
                  aria-label={`Move ${label} up`}
                  disabled={isFirst}
                  onClick={() => onMove(-1)}
                >
                  ▲
                </button>
                <button
                  type="button"
                  className="rounded px-1 text-slate-500 hover:bg-slate-100 hover:text-slate-900 disabled:opacity-30"
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
        <td className="px-3 py-2 text-slate-800">{row.owners.join(", ")}</td>
        <td className="px-3 py-2 text-slate-700">{row.types.length === 9 ? "All nine types" : row.types.join(", ")}</td>
        <td className="max-w-xs px-3 py-2">
          <code className="break-words font-mono text-xs text-slate-900" data-testid="query-tql">
            {row.tql}
          </code>
        </td>
        <td className="whitespace-nowrap px-3 py-2 text-slate-700">
          {SORT_FIELD_LABELS[row.sortField]}, {SORT_DIRECTION_LABELS[row.sortDirection].toLowerCase()}
        </td>
        <td className="px-3 py-2">
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
          <td colSpan={6} className="space-y-2 bg-slate-50 px-3 py-3">
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
