import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@/server/api/root";

/** Field errors from zod or a DomainError, as shaped by the tRPC errorFormatter. */
export function fieldErrorsOf(error: unknown): Record<string, string | undefined> {
  if (!(error instanceof TRPCClientError)) return {};
  const data = (error as TRPCClientError<AppRouter>).data;
  const fieldErrors: Record<string, string[] | undefined> = data?.fieldErrors ?? {};
  return Object.fromEntries(Object.entries(fieldErrors).map(([field, messages]) => [field, messages?.[0]]));
}

/** The message to show when no single field is to blame. */
export function formErrorOf(error: unknown): string | undefined {
  if (!error) return undefined;
  if (error instanceof TRPCClientError) {
    const fieldErrors = fieldErrorsOf(error);
    if (Object.keys(fieldErrors).length > 0) return undefined;
    return error.message;
  }
  return "Something went wrong. Try again.";
}
