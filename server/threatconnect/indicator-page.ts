import type { z } from "zod";
import type { ScannedBody } from "./page-scan";
import { parseIndicators, type RejectedIndicator } from "./schemas";
import type { ThreatConnectIndicator } from "./types";

/**
 * One page of indicators: those the client could read, and those it could not (each with its reason), so one
 * malformed indicator costs only itself. `next` is the cursor of the following page, absent on the last.
 */
export type IndicatorPage = {
  indicators: ThreatConnectIndicator[];
  rejected: RejectedIndicator[];
  resultStart: number;
  total?: number;
  next?: string;
};

/**
 * One page whose items are read a chunk at a time from the body already received, so only one chunk's objects are
 * alive at once. `size` counts every item, readable or not.
 */
export type IndicatorPageChunks = Omit<IndicatorPage, "indicators" | "rejected"> & {
  size: number;
  chunks: (chunkSize: number) => Generator<Pick<IndicatorPage, "indicators" | "rejected">>;
};

/** The items of `body`'s `data`, parsed and validated `chunkSize` at a time. */
export function* itemChunks(
  body: ScannedBody,
  chunkSize: number,
): Generator<Pick<IndicatorPage, "indicators" | "rejected">> {
  const size = body.itemCount ?? 0;
  for (let start = 0; start < size; start += chunkSize) {
    const items: unknown[] = [];
    const unreadable: RejectedIndicator[] = [];
    for (let index = start; index < Math.min(size, start + chunkSize); index++) {
      const item = readItem(body, index);
      if (item.ok) items.push(item.value);
      else unreadable.push(item.rejected);
    }
    const { indicators, rejected } = parseIndicators(items);
    yield { indicators, rejected: [...rejected, ...unreadable] };
  }
}

/** An item that is delimited but not valid JSON is that item's problem only, as a schema mismatch is. */
function readItem(
  body: ScannedBody,
  index: number,
): { ok: true; value: unknown } | { ok: false; rejected: RejectedIndicator } {
  try {
    return { ok: true, value: body.item(index) };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return { ok: false, rejected: { field: "indicator", reason: `not valid JSON (${error.message})` } };
  }
}

export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid shape";
  return `${issue.path.join(".") || "(root)"}: ${issue.message}`;
}
