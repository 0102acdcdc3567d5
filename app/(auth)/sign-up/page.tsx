import type { Metadata } from "next";
import Link from "next/link";
import { safeCallbackUrl } from "../callback-url";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create account" };

export default async function SignUpPage({ searchParams }: PageProps<"/sign-up">) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(typeof params.callbackUrl === "string" ? params.callbackUrl : null);
  const email = typeof params.email === "string" ? params.email : undefined;
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold">Create your account</h1>
      <SignUpForm callbackUrl={callbackUrl} defaultEmail={email} />
      <p className="mt-6 text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link
          href={`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`}
          className="font-medium text-brand-700 underline"
        >
          Sign in
        </Link>
      </p>
    </div>
  );
}
