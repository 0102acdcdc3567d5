"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/errors";
import { Alert } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import type { RunMode } from "@/lib/vocabulary";
import type { SaveAndRunResult } from "@/server/services/queries";
import { QueryDialog } from "./query-dialog";
import { moved, queriesToSave, rowOf, type EditSession, type QueryRowDraft } from "./query-edit-session";
import { QueryList } from "./query-list";
import { QueryToolbar } from "./query-toolbar";
import { SaveQueriesDialog } from "./save-queries-dialog";

type OpenDialog = { kind: "add" } | { kind: "edit"; key: string } | { kind: "save" } | null;

/**
 * The guide's edit session: Edit starts a local copy of the list, Add / Edit / reorder / Delete change only that
 * copy, and Save stores the whole list at once, refused if someone else saved since the copy was taken.
 */
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
  const [lastRun, setLastRun] = useState<{ mode: RunMode; run: SaveAndRunResult["run"] } | null>(null);
  const nextKey = useRef(0);
  const freshKey = () => `draft-${(nextKey.current += 1)}`;

  const save = useMutation(
    trpc.query.save.mutationOptions({
      onSuccess: async ({ run, ...list }, { runMode }) => {
        queryClient.setQueryData(listOptions.queryKey, list);
        setLastRun({ mode: runMode, run });
        setSession(null);
        setDialog(null);
        await queryClient.invalidateQueries(trpc.service.pathFilter());
        await queryClient.invalidateQueries(trpc.audit.pathFilter());
      },
    }),
  );
  const saveFieldErrors = fieldErrorsOf(save.error);
  const isConflict = saveFieldErrors.queriesVersion !== undefined;
  const saveError = saveFieldErrors.queriesVersion ?? saveFieldErrors.queries ?? formErrorOf(save.error);

  const rows = session?.rows ?? data.queries.map(rowOf);
  const updateRows = (change: (rows: QueryRowDraft[]) => QueryRowDraft[]) =>
    setSession((current) => (current ? { ...current, rows: change(current.rows) } : current));

  function startEditing() {
    save.reset();
    setLastRun(null);
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
      queries: queriesToSave(session.rows),
    });
  }

  const editedRow = dialog?.kind === "edit" ? rows.find((row) => row.key === dialog.key) : undefined;

  return (
    <div className="space-y-4">
      <QueryToolbar
        canEdit={canEdit}
        isEditing={session !== null}
        onStartEditing={startEditing}
        onAdd={() => setDialog({ kind: "add" })}
        onCancel={() => setSession(null)}
        onSave={() => setDialog({ kind: "save" })}
      />
      {session ? (
        <Alert tone="info">
          Editing: add, change, reorder (arrows or drag) and delete queries. Nothing is saved until you click Save.
        </Alert>
      ) : null}
      {saveError && dialog?.kind !== "save" ? <Alert>{saveError}</Alert> : null}
      {lastRun ? <SaveAndRunNotice orgSlug={orgSlug} mode={lastRun.mode} run={lastRun.run} /> : null}

      <QueryList
        orgSlug={orgSlug}
        serviceId={serviceId}
        rows={rows}
        isEditing={session !== null}
        canEdit={canEdit}
        onMove={(from, to) => updateRows((current) => moved(current, from, to))}
        onEdit={(key) => setDialog({ kind: "edit", key })}
        onDelete={(key) => updateRows((current) => current.filter((row) => row.key !== key))}
      />

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
        <SaveQueriesDialog
          currentRunMode={data.nextRunMode}
          isPending={save.isPending}
          error={saveError}
          isConflict={isConflict}
          onSave={submitSave}
          onReload={() => void reloadAfterConflict()}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </div>
  );
}

function SaveAndRunNotice({ orgSlug, mode, run }: { orgSlug: string; mode: RunMode; run: SaveAndRunResult["run"] }) {
  if (!run.ok) return <Alert>{run.message}</Alert>;
  return (
    <Alert tone="success">
      Saved. The {mode} update{" "}
      <Link className="font-mono underline" href={`/${orgSlug}/jobs/${run.requestId}`}>
        {run.requestId}
      </Link>{" "}
      has started.
    </Alert>
  );
}
