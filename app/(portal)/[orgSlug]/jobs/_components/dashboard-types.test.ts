import { describe, expect, test } from "vitest";
import {
  formatDuration,
  jobListInput,
  searchParamsOf,
  taskListInput,
  threatConnectLink,
  uploadEtaMs,
} from "./dashboard-types";
import { timelineBar, timelineSpan } from "./timeline-layout";

describe("filters from the URL", () => {
  test("keep known statuses, one service, a trimmed request id and whole UTC days (the end day included)", () => {
    const params = searchParamsOf({
      status: ["running", "bogus", "failed"],
      service: "7e0c6f1a-0000-4000-8000-000000000001",
      request: "  ab12 ",
      from: "2033-01-02",
      to: "2033-01-03",
    });
    expect(jobListInput("acme", params)).toEqual({
      orgSlug: "acme",
      limit: 25,
      status: ["running", "failed"],
      serviceId: "7e0c6f1a-0000-4000-8000-000000000001",
      requestId: "ab12",
      createdFrom: new Date("2033-01-02T00:00:00.000Z"),
      createdTo: new Date("2033-01-04T00:00:00.000Z"),
    });
  });

  test("a pasted request id keeps its letters and digits; a service that is not a UUID is no filter", () => {
    expect(jobListInput("acme", searchParamsOf({ request: " ab-12 ", service: "x' or 1=1" }))).toEqual({
      orgSlug: "acme",
      limit: 25,
      requestId: "ab12",
    });
  });

  test("a malformed date or an empty value is no filter at all", () => {
    expect(jobListInput("acme", searchParamsOf({ from: "yesterday", to: "2033-13-45", request: "" }))).toEqual({
      orgSlug: "acme",
      limit: 25,
    });
    expect(taskListInput("acme", searchParamsOf({ kind: ["upload", "nap"], status: "failed" }))).toEqual({
      orgSlug: "acme",
      limit: 25,
      kind: ["upload"],
      status: ["failed"],
    });
  });
});

describe("live numbers", () => {
  test("durations use their two largest units", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(42_000)).toBe("42 s");
    expect(formatDuration(192_000)).toBe("3 min 12 s");
    expect(formatDuration(3_840_000)).toBe("1 h 04 min");
  });

  test("the ETA follows the upload rate since the first batch started, not the job's start", () => {
    const uploadStartedAt = new Date("2033-01-01T01:00:00Z");
    const now = new Date("2033-01-01T01:01:00Z");
    const counts = { toSend: 4000, sent: 800, revoked: 150, rejected: 50 };
    // 1,000 objects in the minute since upload began: 3,000 left is three minutes, however long download took.
    expect(uploadEtaMs({ uploadStartedAt, batches: { total: 40, done: 10 }, counts }, now)).toBe(180_000);
    expect(
      uploadEtaMs({ uploadStartedAt, batches: { total: 40, done: 40 }, counts: { ...counts, toSend: 1000 } }, now),
    ).toBe(0);
  });

  test("there is no ETA before the first batch is done or without an upload start", () => {
    const uploadStartedAt = new Date("2033-01-01T01:00:00Z");
    const now = new Date("2033-01-01T01:01:00Z");
    const counts = { toSend: 4000, sent: 0, revoked: 0, rejected: 0 };
    expect(uploadEtaMs({ uploadStartedAt, batches: { total: 40, done: 0 }, counts }, now)).toBeNull();
    expect(uploadEtaMs({ uploadStartedAt, batches: { total: 40, done: 1 }, counts }, now)).toBeNull();
    const sent = { ...counts, sent: 100 };
    expect(uploadEtaMs({ uploadStartedAt: null, batches: { total: 40, done: 1 }, counts: sent }, now)).toBeNull();
    expect(uploadEtaMs({ uploadStartedAt: now, batches: { total: 40, done: 1 }, counts: sent }, now)).toBeNull();
  });

  test("ThreatConnect links point at the indicator on the service's host, and only for numeric ids", () => {
    expect(threatConnectLink("https://acme.threatconnect.com/api", "9007199254918487")).toBe(
      "https://acme.threatconnect.com/#/details/indicators/9007199254918487/overview",
    );
    expect(threatConnectLink("https://acme.threatconnect.com", "javascript:alert(1)")).toBeNull();
    expect(threatConnectLink("not a url", "1")).toBeNull();
  });
});

describe("timeline layout", () => {
  test("bars sit on the job's span and hatch the share spent waiting for the throttle", () => {
    const at = (seconds: number) => new Date(Date.UTC(2033, 0, 1, 0, 0, seconds));
    const [working, waiting, running] = [
      { startedAt: at(0), finishedAt: at(10), counts: null },
      { startedAt: at(10), finishedAt: at(20), counts: { throttleWaitMs: 2500 } },
      { startedAt: at(15), finishedAt: null, counts: null },
    ];
    const span = timelineSpan([working, waiting, running], at(40));
    expect(span).toEqual({ start: at(0).getTime(), end: at(40).getTime() });
    if (!span) return;
    expect(timelineBar(waiting, span, at(40))).toEqual({
      leftPercent: 25,
      widthPercent: 25,
      waitPercent: 25,
      durationMs: 10_000,
      waitMs: 2500,
    });
    expect(timelineBar(running, span, at(40))).toMatchObject({ leftPercent: 37.5, widthPercent: 62.5 });
    expect(timelineSpan([], at(0))).toBeNull();
  });
});
