"use client";

import { createColumnHelper, tableFeatures, useTable, type ColumnDef, type RowData } from "@tanstack/react-table";
import type { ReactNode } from "react";
import {
  cellClassName,
  listErrorMessageOf,
  SkeletonRows,
  TableElement,
  TableError,
  TableFrame,
  TableHead,
  TableMessageRow,
} from "./table-parts";
import { cn } from "./ui";

export type DataColumnMeta = {
  /** Extra classes for the column's cells, e.g. "whitespace-nowrap" or "font-mono text-xs". */
  cellClassName?: string;
  headerClassName?: string;
};

/** Type-only slot: tells the table what `meta` a column may carry. */
const columnMeta: DataColumnMeta = {};
const features = tableFeatures({ columnMeta });
type DataTableFeatures = typeof features;

export const createDataColumnHelper = <TRow extends RowData>() => createColumnHelper<DataTableFeatures, TRow>();
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each column keeps its own value type, as columnHelper.columns() returns them
export type DataColumns<TRow extends RowData> = ColumnDef<DataTableFeatures, TRow, any>[];

export type DataTableProps<TRow extends RowData> = {
  /** The table's accessible name. */
  label: string;
  /** Defined once at module scope: a new array each render would rebuild every row. */
  columns: DataColumns<TRow>;
  rows: readonly TRow[];
  getRowId: (row: TRow) => string;
  /** What an empty list says (no rows, not loading, no error), e.g. <TableEmpty title="No jobs match" />. */
  empty: ReactNode;
  isLoading?: boolean;
  /** A failed first load or refetch; the rows already shown stay. */
  error?: unknown;
  onRetry?: () => void;
  /** Below the table, e.g. <LoadMoreFooter />. */
  footer?: ReactNode;
  /** False inside a Card, which already draws the border. */
  isFramed?: boolean;
  rowTestId?: string;
  rowClassName?: (row: TRow) => string | undefined;
};

/**
 * A table of server rows with the states every list has: loading, empty, failed. Paging, sorting and filtering
 * belong to the server (keyset cursors), so the table only lays rows out.
 */
export function DataTable<TRow extends RowData>({
  label,
  columns,
  rows,
  getRowId,
  empty,
  isLoading = false,
  error,
  onRetry,
  footer,
  isFramed = true,
  rowTestId,
  rowClassName,
}: DataTableProps<TRow>) {
  const table = useTable({ features, columns, data: rows, getRowId: (row) => getRowId(row) });
  const columnCount = table.getAllLeafColumns().length;
  const headerCells = table.getLeafHeaders().map((header) => ({
    id: header.id,
    label: header.isPlaceholder ? null : <table.FlexRender header={header} />,
    className: header.column.columnDef.meta?.headerClassName,
  }));
  const bodyRows = table.getRowModel().rows;
  const hasError = error !== undefined && error !== null;

  return (
    <TableFrame isFramed={isFramed} footer={footer}>
      <TableElement label={label} isBusy={isLoading}>
        <TableHead cells={headerCells} />
        <tbody className="divide-y divide-slate-100">
          {bodyRows.map((row) => (
            <tr key={row.id} data-testid={rowTestId} className={cn("hover:bg-slate-50", rowClassName?.(row.original))}>
              {row.getAllCells().map((cell) => (
                <td key={cell.id} className={cn(cellClassName, cell.column.columnDef.meta?.cellClassName)}>
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
          {isLoading && bodyRows.length === 0 ? <SkeletonRows columnCount={columnCount} /> : null}
          {hasError ? (
            <TableMessageRow columnCount={columnCount}>
              <TableError message={listErrorMessageOf(error)} onRetry={onRetry} />
            </TableMessageRow>
          ) : null}
          {!isLoading && !hasError && bodyRows.length === 0 ? (
            <TableMessageRow columnCount={columnCount}>{empty}</TableMessageRow>
          ) : null}
        </tbody>
      </TableElement>
    </TableFrame>
  );
}
