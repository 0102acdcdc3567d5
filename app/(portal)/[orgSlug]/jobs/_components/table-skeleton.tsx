import { SkeletonRows, TableElement, TableFrame } from "@/app/_components/table-parts";

/** The shape of a table while its first page streams in, so the page does not jump when it arrives. */
export function TableSkeleton({ label, columnCount = 6 }: { label: string; columnCount?: number }) {
  return (
    <TableFrame>
      <TableElement label={label} isBusy>
        <tbody>
          <SkeletonRows columnCount={columnCount} rowCount={5} />
        </tbody>
      </TableElement>
    </TableFrame>
  );
}
