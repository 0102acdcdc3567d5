import { Button } from "@/app/_components/ui";

/** What the order means, and the buttons of an edit session: nothing is saved until Save. */
export function QueryToolbar({
  canEdit,
  isEditing,
  onStartEditing,
  onAdd,
  onCancel,
  onSave,
}: {
  canEdit: boolean;
  isEditing: boolean;
  onStartEditing: () => void;
  onAdd: () => void;
  onCancel: () => void;
  onSave: () => void;
}) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <p className="max-w-3xl text-sm text-slate-600">
        Queries run in this order. When several return the same indicator, only the copy from the highest query in the
        table is sent to Microsoft Sentinel.
      </p>
      {canEdit ? (
        <div className="flex flex-wrap gap-2">
          {isEditing ? (
            <>
              <Button variant="secondary" onClick={onAdd}>
                Add
              </Button>
              <Button variant="ghost" onClick={onCancel}>
                Cancel
              </Button>
              <Button onClick={onSave}>Save</Button>
            </>
          ) : (
            <Button onClick={onStartEditing}>Edit</Button>
          )}
        </div>
      ) : null}
    </div>
  );
}
