import type { ReactNode } from "react";
import { Button, cn } from "./ui";

/** One padding for every cell of every table, so lists line up from page to page. */
export const cellClassName = "px-4 py-3 align-top";
const headerCellClassName = "px-4 py-2.5 text-left text-xs font-medium uppercase tracking-wide text-slate-500";

/**
 * The box around a table: a bordered card of its own, or bare inside a Card that already draws one. The footer
 * (e.g. "Load more") sits below the scrollable area so it stays in view on narrow screens.
 */
export function TableFrame({
  isFramed = true,
  footer,
  children,
}: {
  isFramed?: boolean;
  footer?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className={cn(isFramed && "rounded-lg border border-slate-200 bg-white shadow-sm")}>
      <div className="overflow-x-auto">{children}</div>
      {footer}
    </div>
  );
}

export function TableElement({ label, isBusy, children }: { label: string; isBusy?: boolean; children: ReactNode }) {
  return (
    <table aria-label={label} aria-busy={isBusy ? true : undefined} className="w-full text-left text-sm">
      {children}
    </table>
  );
}

export type HeaderCell = { id: string; label: ReactNode; className?: string | undefined };

export function TableHead({ cells }: { cells: readonly HeaderCell[] }) {
  return (
    <thead className="border-b border-slate-200 bg-slate-50">
      <tr>
        {cells.map((cell) => (
          <th key={cell.id} scope="col" className={cn(headerCellClassName, cell.className)}>
            {cell.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** A header with no visible text (an actions column) still needs a name for screen readers. */
export function HiddenHeader({ children }: { children: string }) {
  return <span className="sr-only">{children}</span>;
}

/** One cell across the whole row: the empty state, the error state or a notice inside the table. */
export function TableMessageRow({ columnCount, children }: { columnCount: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columnCount} className="px-4 py-10 text-center">
        {children}
      </td>
    </tr>
  );
}

export function TableEmpty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div role="status">
      <p className="font-medium text-slate-800">{title}</p>
      {children ? <div className="mt-2 text-sm text-slate-600">{children}</div> : null}
    </div>
  );
}

export function TableError({ message, onRetry }: { message: string; onRetry?: (() => void) | undefined }) {
  return (
    <div role="alert" className="flex flex-col items-center gap-3">
      <p className="text-sm text-red-800">{message}</p>
      {onRetry ? (
        <Button variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

/** Grey bars in the shape of the rows to come, so the page does not jump when they arrive. */
export function SkeletonRows({ columnCount, rowCount = 3 }: { columnCount: number; rowCount?: number }) {
  return Array.from({ length: rowCount }, (_, rowIndex) => (
    <tr key={rowIndex} aria-hidden>
      {Array.from({ length: columnCount }, (_, columnIndex) => (
        <td key={columnIndex} className={cellClassName}>
          <div className="h-4 w-3/4 animate-pulse rounded bg-slate-200" />
        </td>
      ))}
    </tr>
  ));
}

/** A Suspense fallback in the shape of a table whose rows are still on their way. */
export function TableSkeleton({
  label,
  columnCount,
  rowCount,
}: {
  label: string;
  columnCount: number;
  rowCount?: number;
}) {
  return (
    <TableFrame>
      <TableElement label={label} isBusy>
        <tbody>
          <SkeletonRows columnCount={columnCount} rowCount={rowCount} />
        </tbody>
      </TableElement>
    </TableFrame>
  );
}

/** What a failed list query says: the server's message, or a generic one for anything that is not an Error. */
export function listErrorMessageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : "Something went wrong. Try again.";
}
