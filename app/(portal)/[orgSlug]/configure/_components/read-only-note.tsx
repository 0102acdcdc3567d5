export function ReadOnlyNote() {
  return (
    <p
      data-testid="read-only-note"
      className="mb-4 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-600"
    >
      Read-only: as a member you can look at services, queries and their history. Ask an admin to change them.
    </p>
  );
}
