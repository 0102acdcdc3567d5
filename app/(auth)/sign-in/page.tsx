import type { Metadata } from "next";
import Link from "next/link";
import { isEntraSignInConfigured } from "@/env";
import { Button } from "@/app/_components/ui";
import { signInWithEntra } from "../actions";
import { safeCallbackUrl } from "../callback-url";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

const oauthErrors: Record<string, string> = {
  OAuthAccountNotLinked: "This email already has a password account. Sign in with your password.",
  AccessDenied: "Access was denied by your identity provider.",
  Configuration: "Single sign-on is misconfigured. Contact your administrator.",
};

export default async function SignInPage({ searchParams }: PageProps<"/sign-in">) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(typeof params.callbackUrl === "string" ? params.callbackUrl : null);
  const oauthError = typeof params.error === "string" ? oauthErrors[params.error] : undefined;
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold">Sign in</h1>
      {oauthError ? <p className="mt-3 text-sm text-red-700">{oauthError}</p> : null}
      {isEntraSignInConfigured ? (
        <form action={signInWithEntra} className="mt-4">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <Button type="submit" variant="secondary" className="w-full">
            Sign in with Microsoft
          </Button>
          <p className="my-4 text-center text-xs uppercase tracking-wide text-slate-400">or</p>
        </form>
      ) : null}
      <SignInForm callbackUrl={callbackUrl} />
      <p className="mt-6 text-center text-sm text-slate-600">
        New here?{" "}
        <Link
          href={`/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}`}
          className="font-medium text-brand-700 underline"
        >
          Create an account
        </Link>
      </p>
    </div>
  );
}
