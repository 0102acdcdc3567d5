"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Alert, Button } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

export function AcceptInvitation({
  token,
  signedInAs,
  invitedEmail,
}: {
  token: string;
  signedInAs: string;
  invitedEmail: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(
    trpc.invitation.accept.mutationOptions({ onSuccess: ({ orgSlug }) => router.push(`/${orgSlug}`) }),
  );
  const isOtherAccount = signedInAs.toLowerCase() !== invitedEmail.toLowerCase();
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">Signed in as {signedInAs}.</p>
      {isOtherAccount ? (
        <Alert>This invitation is for {invitedEmail}. Sign out and sign in with that account to accept it.</Alert>
      ) : null}
      {accept.error ? <Alert>{accept.error.message}</Alert> : null}
      <Button onClick={() => accept.mutate({ token })} disabled={accept.isPending || isOtherAccount}>
        {accept.isPending ? "Joining…" : "Accept invitation"}
      </Button>
    </div>
  );
}
