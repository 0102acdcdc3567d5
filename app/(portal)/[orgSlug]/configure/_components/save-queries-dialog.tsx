import { Alert, Button, Dialog } from "@/app/_components/ui";
import type { RunMode } from "@/lib/vocabulary";
import { RUN_MODE_EXPLANATIONS, RUN_MODE_LABELS } from "./configure-types";

/** As in ThreatConnect's app: saving also decides whether the run it starts is a delta or a full update. */
export function SaveQueriesDialog({
  currentRunMode,
  isPending,
  error,
  isConflict,
  onSave,
  onReload,
  onClose,
}: {
  currentRunMode: RunMode;
  isPending: boolean;
  error: string | undefined;
  isConflict: boolean;
  onSave: (runMode: RunMode) => void;
  onReload: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      title="Save changes"
      description={`Currently the next run is a ${RUN_MODE_LABELS[currentRunMode]}. Saving starts a run now (after any job already running): choose which.`}
      onClose={onClose}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Cancel
          </Button>
          <Button variant="secondary" disabled={isPending} onClick={() => onSave("delta")}>
            Save and Run Delta Update
          </Button>
          <Button disabled={isPending} onClick={() => onSave("full")}>
            Save and Run Full Update
          </Button>
        </>
      }
    >
      <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
        <li>
          <span className="font-medium">Delta update</span> {RUN_MODE_EXPLANATIONS.delta}
        </li>
        <li>
          <span className="font-medium">Full update</span> {RUN_MODE_EXPLANATIONS.full}
        </li>
      </ul>
      {error ? (
        <div className="mt-4 space-y-2">
          <Alert>{error}</Alert>
          {isConflict ? (
            <Button variant="secondary" onClick={onReload}>
              Reload queries
            </Button>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
}
