import "server-only";
import { redirect } from "next/navigation";
import { auth } from "@/server/auth";

/** For pages: a signed-in session, or a trip to sign-in that comes back here afterwards. */
export async function requireSession(returnTo: string) {
  const session = await auth();
  if (!session?.user.id) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return session;
}
