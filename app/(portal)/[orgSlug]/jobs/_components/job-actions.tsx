"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { Alert, Button, Dialog, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import type { RunMode } from "@/lib/vocabulary";

/** Admins start a delta or full update of one service now; the new job appears at the top of the list. */
export function RunNow({ orgSlug, services }: { orgSlug: string; services: readonly { id: string; name: string }[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const selectId = useId();
  const [serviceId, setServiceId] = useState(services[0]?.id ?? "");
  const run = useMutation(
    trpc.job.run.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.job.list.pathFilter()),
    }),
  );
  if (services.length === 0) return null;
  const start = (mode: RunMode) => run.mutate({ orgSlug, serviceId, mode });
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-end gap-2">
        <div className="space-y-1">
          <label htmlFor={selectId} className="block text-sm font-medium text-slate-700">
            Run now
          </label>
          <Select
            id={selectId}
            value={serviceId}
            className="w-56"
            onChange={(event) => setServiceId(event.target.value)}
          >
            {services.map((service) => (
              <option key={service.id} value={service.id}>
                {service.name}
              </option>
            ))}
          </Select>
        </div>
        <Button variant="secondary" disabled={run.isPending} onClick={() => start("delta")}>
          Run delta update
        </Button>
        <Button disabled={run.isPending} onClick={() => start("full")}>
          Run full update
        </Button>
      </div>
      {run.isError ? <Alert>{run.error.message}</Alert> : null}
      {run.isSuccess ? (
        <Alert tone="success">
          Job{" "}
          <Link className="font-mono underline" href={`/${orgSlug}/jobs/${run.data.requestId}`}>
            {run.data.requestId}
          </Link>{" "}
          queued.
        </Alert>
      ) : null}
    </div>
  );
}

/** Stops a queued or running job after a confirmation: batches not yet sent are not sent. */
export function CancelJobButton({ orgSlug, requestId }: { orgSlug: string; requestId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [isConfirming, setIsConfirming] = useState(false);
  const cancel = useMutation(
    trpc.job.cancel.mutationOptions({
      onSuccess: async () => {
        setIsConfirming(false);
        await Promise.all([
          queryClient.invalidateQueries(trpc.job.list.pathFilter()),
          queryClient.invalidateQueries(trpc.job.get.queryFilter({ orgSlug, requestId })),
        ]);
      },
    }),
  );
  return (
    <>
      <Button variant="ghost" className="text-red-700" onClick={() => setIsConfirming(true)}>
        Cancel<span className="sr-only"> job {requestId}</span>
      </Button>
      {isConfirming ? (
        <Dialog
          title={`Cancel job ${requestId}?`}
          description="No batch that has not been sent yet will be sent. Batches already on their way still count."
          onClose={() => setIsConfirming(false)}
          footer={
            <>
              <Button variant="secondary" autoFocus onClick={() => setIsConfirming(false)}>
                Keep running
              </Button>
              <Button
                variant="danger"
                disabled={cancel.isPending}
                onClick={() => cancel.mutate({ orgSlug, requestId })}
              >
                {cancel.isPending ? "Cancelling…" : "Cancel job"}
              </Button>
            </>
          }
        >
          {cancel.isError ? <Alert>{cancel.error.message}</Alert> : null}
        </Dialog>
      ) : null}
    </>
  );
}
