import type { ReactNode } from "react";
import { formErrorOf } from "@/app/_components/errors";
import { Alert, Button, Card } from "@/app/_components/ui";
import type { ConnectionCheck } from "./configure-types";

/** The state of one "Test …" mutation that the card shows. */
export type ConnectionTest = {
  isPending: boolean;
  data: ConnectionCheck | undefined;
  error: unknown;
};

/** A group of connection settings with a button that proves them against the real service. */
export function ConnectionTestCard({
  title,
  description,
  testLabel,
  testId,
  test,
  onTest,
  canEdit,
  children,
}: {
  title: string;
  description: ReactNode;
  testLabel: string;
  testId: string;
  test: ConnectionTest;
  onTest: () => void;
  canEdit: boolean;
  children: ReactNode;
}) {
  return (
    <Card
      title={title}
      description={description}
      actions={
        canEdit ? (
          <Button variant="secondary" onClick={onTest} disabled={test.isPending}>
            {test.isPending ? "Testing…" : testLabel}
          </Button>
        ) : null
      }
    >
      {children}
      <ConnectionTestResult result={test.data} error={test.error} testId={testId} />
    </Card>
  );
}

/** The outcome of the last "Test …" click: what was proven, or the precise reason it failed. */
function ConnectionTestResult({
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
