"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

/** Asks again, naming the service, because deleting also removes its queries and cannot be undone. */
export function DeleteService({
  orgSlug,
  serviceId,
  serviceName,
}: {
  orgSlug: string;
  serviceId: string;
  serviceName: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [isConfirming, setIsConfirming] = useState(false);
  const remove = useMutation(
    trpc.service.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.service.pathFilter());
        router.push(`/${orgSlug}/configure`);
      },
    }),
  );
  return (
    <div className="mt-8 rounded-lg border border-red-200 bg-white px-5 py-4">
      <h2 className="text-base font-semibold text-red-800">Delete service</h2>
      <p className="mt-1 text-sm text-slate-600">
        Removes the service and its queries. Indicators already in Sentinel stay until their TTL ends.
      </p>
      {remove.error ? (
        <div className="mt-3">
          <Alert>{remove.error.message}</Alert>
        </div>
      ) : null}
      {isConfirming ? (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <span className="text-sm text-slate-700">Delete &ldquo;{serviceName}&rdquo; for good?</span>
          <Button
            variant="danger"
            onClick={() => remove.mutate({ orgSlug, serviceId })}
            disabled={remove.isPending}
            autoFocus
          >
            {remove.isPending ? "Deleting…" : "Yes, delete"}
          </Button>
          <Button variant="secondary" onClick={() => setIsConfirming(false)}>
            Cancel
          </Button>
        </div>
      ) : (
        <Button variant="danger" className="mt-3" onClick={() => setIsConfirming(true)}>
          Delete service
        </Button>
      )}
    </div>
  );
}
