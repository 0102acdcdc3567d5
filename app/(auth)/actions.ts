"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn, signOut } from "@/server/auth";
import { safeCallbackUrl } from "./callback-url";

export interface SignInState {
  error?: string;
  email?: string;
}

function formString(form: FormData, key: string): string {
  const value = form.get(key);
  return typeof value === "string" ? value : "";
}

function messageFor(error: AuthError): string {
  if (error instanceof CredentialsSignin) {
    const throttled = /^throttled_(\d+)$/.exec(error.code);
    if (throttled) return `Too many failed attempts. Try again in ${throttled[1]} s.`;
    if (error.code === "unavailable") return "Sign-in is unavailable right now. Try again in a minute.";
  }
  return "Email or password is incorrect.";
}

export async function signInWithPassword(_previous: SignInState, form: FormData): Promise<SignInState> {
  const email = formString(form, "email");
  const password = formString(form, "password");
  if (!email || !password) return { error: "Enter your email and password.", email };
  try {
    await signIn("credentials", {
      email,
      password,
      redirectTo: safeCallbackUrl(formString(form, "callbackUrl")),
    });
    return {};
  } catch (error) {
    // A successful sign-in "throws" Next's redirect; only Auth.js failures become form errors.
    if (error instanceof AuthError) return { error: messageFor(error), email };
    throw error;
  }
}

export async function signInWithEntra(form: FormData) {
  await signIn("microsoft-entra-id", { redirectTo: safeCallbackUrl(formString(form, "callbackUrl")) });
}

export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}
