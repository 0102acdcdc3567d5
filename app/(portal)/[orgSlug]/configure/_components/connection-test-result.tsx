import { formErrorOf } from "@/app/_components/errors";
import { Alert } from "@/app/_components/ui";
import type { ConnectionCheck } from "./configure-types";

/** The outcome of the last "Test …" click: what was proven, or the precise reason it failed. */
export function ConnectionTestResult({
  result,
  error,
  testId,
}: {
  result: ConnectionCheck | undefined;
  error: unknown;
  testId: string;
}) {
  if (!result && !error) return null;
  let content;
  if (error) {
    content = <Alert>{formErrorOf(error) ?? "Fix the fields marked in red, then test again."}</Alert>;
  } else if (result?.ok) {
    content = <Alert tone="success">OK: {result.message}</Alert>;
  } else if (result) {
    content = <Alert>Failed: {result.message}</Alert>;
  }
  return (
    <div className="mt-4" data-testid={testId}>
      {content}
    </div>
  );
}
