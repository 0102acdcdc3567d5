import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MultiSelectFilter, TextFilter } from "./filter-bar";
import { effectiveSearch, filtersFromSearchParams, pendingAfter, searchWithFilter } from "./url-filters";

describe("URL filters", () => {
  it("reads repeated parameters as one filter's values and absent ones as no filter", () => {
    const params = new URLSearchParams("status=running&status=failed&service=&q=req-1");
    expect(filtersFromSearchParams(params, ["status", "service", "q"] as const)).toEqual({
      status: ["running", "failed"],
      service: [],
      q: ["req-1"],
    });
  });

  it("replaces one filter and keeps every other parameter", () => {
    const params = new URLSearchParams("status=running&service=s1&view=table");
    expect(searchWithFilter(params, "status", ["failed", "cancelled"])).toBe(
      "service=s1&view=table&status=failed&status=cancelled",
    );
  });

  it("drops a filter that is cleared or blank", () => {
    const params = new URLSearchParams("status=running&q=req");
    expect(searchWithFilter(params, "q", ["  "])).toBe("status=running");
    expect(searchWithFilter(params, "status", [])).toBe("q=req");
  });

  it("builds a second change on the first while the router has not reached it, so a quick untick then tick keeps both", () => {
    const committed = "status=cancelled";
    const untick = pendingAfter(null, committed, "");
    expect(effectiveSearch(untick, committed)).toBe("");
    const tick = pendingAfter(untick, committed, searchWithFilter(new URLSearchParams(""), "status", ["failed"]));
    expect(effectiveSearch(tick, committed)).toBe("status=failed");
    // The router may pass through the first change before the second.
    expect(effectiveSearch(tick, "")).toBe("status=failed");
    expect(effectiveSearch(tick, "status=failed")).toBe("status=failed");
  });

  it("follows the URL again once it moves somewhere no change of ours asked for", () => {
    const pending = pendingAfter(null, "status=running", "status=running&status=failed");
    expect(effectiveSearch(pending, "service=s1")).toBe("service=s1");
    expect(effectiveSearch(null, "status=running")).toBe("status=running");
  });
});

const statuses = [
  { value: "running", label: "Running" },
  { value: "failed", label: "Failed" },
] as const;
const renderMultiSelect = (selected: string[]) =>
  renderToStaticMarkup(
    createElement(MultiSelectFilter<"running" | "failed">, {
      label: "Status",
      options: statuses,
      selected,
      onChange: () => undefined,
    }),
  );

describe("MultiSelectFilter", () => {
  it("summarises the selection: all, the one label, or a count", () => {
    expect(renderMultiSelect([])).toContain("All</span>");
    expect(renderMultiSelect(["failed"])).toContain("Failed</span>");
    expect(renderMultiSelect(["failed", "running"])).toContain("2 selected</span>");
  });

  it("offers a labelled checkbox per option, ticked for the selected ones", () => {
    const html = renderMultiSelect(["failed"]);
    expect(html).toContain("<legend");
    expect(html.match(/type="checkbox"/g)).toHaveLength(2);
    expect(html.match(/checked=""/g)).toHaveLength(1);
  });
});

describe("TextFilter", () => {
  it("shows the applied value in a labelled search input", () => {
    const html = renderToStaticMarkup(
      createElement(TextFilter, { label: "Request id", value: "req-1", onCommit: () => undefined }),
    );
    expect(html).toMatch(/<label for="([^"]+)"[^>]*>Request id<\/label><input[^>]*id="\1"/);
    expect(html).toContain('type="search"');
    expect(html).toContain('value="req-1"');
  });
});
