import { TRPCClientError } from "@trpc/client";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { createDataColumnHelper, DataTable, type DataTableProps } from "./data-table";
import { LoadMoreFooter, useKeysetRows, type KeysetPaging } from "./load-more";
import { QueryErrorFallback } from "./query-error-boundary";
import { TableEmpty, TableSkeleton } from "./table-parts";

type Job = { id: string; requestId: string; status: string };
const column = createDataColumnHelper<Job>();
const columns = column.columns([
  column.accessor("requestId", { header: "Request id", meta: { cellClassName: "font-mono" } }),
  column.accessor("status", { header: "Status", cell: (info) => `status ${info.getValue()}` }),
]);
const jobs: Job[] = [
  { id: "j1", requestId: "req-1", status: "running" },
  { id: "j2", requestId: "req-2", status: "failed" },
];

function renderTable(props: Partial<DataTableProps<Job>>) {
  return renderToStaticMarkup(
    createElement(DataTable<Job>, {
      label: "Jobs",
      columns,
      rows: jobs,
      getRowId: (job) => job.id,
      empty: createElement(TableEmpty, { title: "No jobs yet" }),
      rowTestId: "job-row",
      ...props,
    }),
  );
}

const countOf = (html: string, text: string) => html.split(text).length - 1;

describe("DataTable", () => {
  it("lays out a named table with one header cell per column and each row's cells", () => {
    const html = renderTable({});
    expect(html).toContain('<table aria-label="Jobs"');
    expect(countOf(html, '<th scope="col"')).toBe(2);
    expect(html).toContain(">Request id</th>");
    expect(countOf(html, 'data-testid="job-row"')).toBe(2);
    expect(html).toMatch(/<td class="[^"]*font-mono[^"]*">req-2<\/td>/);
    expect(html).toContain("status failed");
    expect(html).not.toContain("No jobs yet");
  });

  it("says the list is empty only when nothing is loading or failing", () => {
    expect(renderTable({ rows: [] })).toContain("No jobs yet");
    const loading = renderTable({ rows: [], isLoading: true });
    expect(loading).not.toContain("No jobs yet");
    expect(loading).toContain('aria-busy="true"');
    expect(countOf(loading, "animate-pulse")).toBe(3 * columns.length);
  });

  it("shows the server's message when loading fails, keeps rows already shown and offers a retry", () => {
    const error = new TRPCClientError("ThreatConnect is not reachable");
    const html = renderTable({ error, onRetry: () => undefined });
    expect(html).toContain('role="alert"');
    expect(html).toContain("ThreatConnect is not reachable");
    expect(html).toContain("Try again");
    expect(countOf(html, 'data-testid="job-row"')).toBe(2);
    expect(renderTable({ rows: [], error: "not an Error" })).toContain("Something went wrong. Try again.");
    expect(renderTable({ rows: [], error: new Error("down") })).not.toContain("No jobs yet");
  });
});

const paging = (overrides: Partial<KeysetPaging>): KeysetPaging => ({
  hasNextPage: true,
  isFetchingNextPage: false,
  isFetchNextPageError: false,
  error: null,
  fetchNextPage: () => Promise.resolve(),
  ...overrides,
});
const renderFooter = (overrides: Partial<KeysetPaging>) =>
  renderToStaticMarkup(createElement(LoadMoreFooter, { paging: paging(overrides), shownCount: 40 }));

describe("LoadMoreFooter", () => {
  it("offers the next page with the count shown, and nothing once the last page is in", () => {
    const html = renderFooter({});
    expect(html).toContain(">Load more</button>");
    expect(html).toContain("Showing 40");
    expect(renderFooter({ hasNextPage: false })).toBe("");
  });

  it("disables the button while the next page loads", () => {
    expect(renderFooter({ isFetchingNextPage: true })).toMatch(/<button[^>]*disabled=""[^>]*>Loading…<\/button>/);
  });

  it("keeps the rows, says why the next page failed and offers to try again", () => {
    const html = renderFooter({ isFetchNextPageError: true, error: new Error("Cursor expired") });
    expect(html).toContain(">Try again</button>");
    expect(html).toContain('role="alert"');
    expect(html).toContain("Cursor expired");
  });
});

describe("useKeysetRows", () => {
  it("flattens the loaded pages in order", () => {
    const pages = [{ entries: ["a", "b"] }, { entries: ["c"] }];
    const rowsOf = (page: { entries: string[] }) => page.entries;
    function Probe() {
      return useKeysetRows(pages, rowsOf).join(",");
    }
    expect(renderToStaticMarkup(createElement(Probe))).toBe("a,b,c");
  });
});

describe("QueryErrorFallback", () => {
  it("shows a failed suspense list's message with a retry", () => {
    const html = renderToStaticMarkup(
      createElement(QueryErrorFallback, { error: new Error("Database unavailable"), onRetry: () => undefined }),
    );
    expect(html).toContain("Database unavailable");
    expect(html).toContain("Try again");
  });
});

describe("TableSkeleton", () => {
  it("stands in for a table still loading: named, busy, and as wide as the table to come", () => {
    const html = renderToStaticMarkup(createElement(TableSkeleton, { label: "Audit log", columnCount: 2 }));
    expect(html).toContain('<table aria-label="Audit log" aria-busy="true"');
    expect(countOf(html, "animate-pulse")).toBe(3 * 2);
    const taller = renderToStaticMarkup(createElement(TableSkeleton, { label: "Jobs", columnCount: 2, rowCount: 5 }));
    expect(countOf(taller, "animate-pulse")).toBe(5 * 2);
  });
});
