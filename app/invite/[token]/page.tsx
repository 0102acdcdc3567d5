import type { Metadata } from "next";
import Link from "next/link";
import { TRPCError } from "@trpc/server";
import { auth } from "@/server/auth";
import { Alert } from "@/app/_components/ui";
import { trpc, getQueryClient } from "@/app/_trpc/server";
import { AcceptInvitation } from "./accept-invitation";

export const metadata: Metadata = { title: "Invitation" };

async function describe(token: string) {
  try {
    return await getQueryClient().fetchQuery(trpc.invitation.describe.queryOptions({ token }));
  } catch (error) {
    if (error instanceof TRPCError) return null;
    throw error;
  }
}

export default async function InvitationPage({ params }: PageProps<"/invite/[token]">) {
  const { token } = await params;
  const [invitation, session] = await Promise.all([describe(token), auth()]);
  const here = `/invite/${token}`;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        {!invitation ? (
          <Alert>This invitation link is not valid. Ask an admin of the organization for a new one.</Alert>
        ) : (
          <>
            <h1 className="text-xl font-semibold">Join {invitation.orgName}</h1>
            <p className="mt-2 text-sm text-slate-600">
              You are invited as <strong className="capitalize">{invitation.role}</strong>. The invitation is for{" "}
              <strong>{invitation.email}</strong>.
            </p>
            <div className="mt-6">
              {invitation.status !== "pending" ? (
                <Alert>
                  {invitation.status === "accepted"
                    ? "This invitation has already been used."
                    : `This invitation is ${invitation.status}. Ask an admin for a new one.`}
                </Alert>
              ) : session ? (
                <AcceptInvitation token={token} signedInAs={session.user.email ?? ""} invitedEmail={invitation.email} />
              ) : (
                <div className="flex flex-wrap gap-3">
                  <Link
                    href={`/sign-up?callbackUrl=${encodeURIComponent(here)}&email=${encodeURIComponent(invitation.email)}`}
                    className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700"
                  >
                    Create account to accept
                  </Link>
                  <Link
                    href={`/sign-in?callbackUrl=${encodeURIComponent(here)}`}
                    className="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-50"
                  >
                    Sign in
                  </Link>
                </div>
              )}
            </div>
          </>
        )}
      </div>
    </main>
  );
}
