"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/errors";
import { Alert, Button, Dialog, Field, Select, Textarea } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import {
  INDICATOR_TYPES,
  QUERY_SORT_FIELDS,
  SORT_DIRECTIONS,
  type QuerySortField,
  type SortDirection,
} from "@/lib/vocabulary";
import { SORT_DIRECTION_LABELS, SORT_FIELD_LABELS, type QueryDraft } from "./configure-types";

const toggle = <T,>(list: readonly T[], item: T, isOn: boolean) =>
  isOn ? [...list, item] : list.filter((existing) => existing !== item);

export function QueryDialog({
  orgSlug,
  serviceId,
  initial,
  onSubmit,
  onClose,
}: {
  orgSlug: string;
  serviceId: string;
  initial: QueryDraft | undefined;
  onSubmit: (draft: QueryDraft) => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const owners = useQuery(trpc.service.owners.queryOptions({ orgSlug, serviceId }));
  const [draft, setDraft] = useState<QueryDraft>(
    initial ?? { owners: [], types: [], tql: "", sortField: "dateAdded", sortDirection: "ASC" },
  );
  // The server's own query rules check the draft (Validate's input is a query's owners, types and TQL), so a
  // mistake shows next to its field now rather than when the whole list is saved.
  const check = useMutation(trpc.query.validate.mutationOptions());
  const errors = fieldErrorsOf(check.error);
  const checkError = formErrorOf(check.error);
  // A saved owner the credentials can no longer see stays listed, so it can be seen and unticked.
  const ownerNames = [...new Set([...(owners.data ?? []).map((owner) => owner.name), ...draft.owners])];
  const ownerTypes = new Map((owners.data ?? []).map((owner) => [owner.name, owner.type]));

  function submit() {
    const { owners: draftOwners, types, tql } = draft;
    // ThreatConnect's verdict on the TQL is Validate's business, on the table: any answer accepts the draft.
    check.mutate(
      { orgSlug, serviceId, owners: draftOwners, types, tql },
      {
        onSuccess: () =>
          onSubmit({ ...draft, tql: tql.trim(), types: INDICATOR_TYPES.filter((type) => types.includes(type)) }),
      },
    );
  }

  return (
    <Dialog
      title={initial ? "Edit TQL query" : "Add TQL query"}
      description="Nothing is saved until you click Save on the queries table."
      size="lg"
      onClose={onClose}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} disabled={check.isPending}>
            {initial ? "Update query" : "Add query"}
          </Button>
        </>
      }
    >
      <div className="space-y-5">
        {checkError ? <Alert>{checkError}</Alert> : null}
        <fieldset aria-describedby={errors.owners ? "query-owners-error" : undefined}>
          <legend className="text-sm font-medium text-slate-700">Owners to query</legend>
          <p className="text-xs text-slate-500">
            The ThreatConnect organization of this service&rsquo;s API user, and the communities and sources it belongs
            to.
          </p>
          {owners.isPending ? <p className="mt-2 text-sm text-slate-500">Loading owners from ThreatConnect…</p> : null}
          {owners.error ? (
            <p role="alert" className="mt-2 text-sm text-red-700">
              {owners.error.message}
            </p>
          ) : null}
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {ownerNames.map((name) => (
              <label key={name} className="flex items-center gap-2 text-sm text-slate-800">
                <input
                  type="checkbox"
                  className="size-4 rounded border-slate-300"
                  checked={draft.owners.includes(name)}
                  onChange={(event) => setDraft({ ...draft, owners: toggle(draft.owners, name, event.target.checked) })}
                />
                {name}
                {ownerTypes.get(name) ? <span className="text-xs text-slate-500">{ownerTypes.get(name)}</span> : null}
              </label>
            ))}
          </div>
          {errors.owners ? (
            <p id="query-owners-error" role="alert" className="mt-1 text-xs text-red-700">
              {errors.owners}
            </p>
          ) : null}
        </fieldset>

        <fieldset aria-describedby={errors.types ? "query-types-error" : undefined}>
          <legend className="text-sm font-medium text-slate-700">Indicator types to retrieve</legend>
          <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-3">
            {INDICATOR_TYPES.map((type) => (
              <label key={type} className="flex items-center gap-2 text-sm text-slate-800">
                <input
                  type="checkbox"
                  className="size-4 rounded border-slate-300"
                  checked={draft.types.includes(type)}
                  onChange={(event) => setDraft({ ...draft, types: toggle(draft.types, type, event.target.checked) })}
                />
                {type}
              </label>
            ))}
          </div>
          {errors.types ? (
            <p id="query-types-error" role="alert" className="mt-1 text-xs text-red-700">
              {errors.types}
            </p>
          ) : null}
        </fieldset>

        <Field label="TQL" htmlFor="query-tql" error={errors.tql} hint="For example: rating >= 3 and confidence >= 50">
          <Textarea
            id="query-tql"
            rows={3}
            autoFocus
            className="font-mono"
            value={draft.tql}
            aria-invalid={Boolean(errors.tql)}
            onChange={(event) => setDraft({ ...draft, tql: event.target.value })}
          />
        </Field>

        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Sort field" htmlFor="query-sort-field">
            <Select
              id="query-sort-field"
              value={draft.sortField}
              onChange={(event) => setDraft({ ...draft, sortField: event.target.value as QuerySortField })}
            >
              {QUERY_SORT_FIELDS.map((field) => (
                <option key={field} value={field}>
                  {SORT_FIELD_LABELS[field]}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Sort direction" htmlFor="query-sort-direction">
            <Select
              id="query-sort-direction"
              value={draft.sortDirection}
              onChange={(event) => setDraft({ ...draft, sortDirection: event.target.value as SortDirection })}
            >
              {SORT_DIRECTIONS.map((direction) => (
                <option key={direction} value={direction}>
                  {SORT_DIRECTION_LABELS[direction]}
                </option>
              ))}
            </Select>
          </Field>
        </div>
      </div>
    </Dialog>
  );
}
