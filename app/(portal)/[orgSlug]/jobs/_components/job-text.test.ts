import { describe, expect, test } from "vitest";
import { noErrorsText, timelineKindPrefix } from "./job-text";

describe("timeline labels", () => {
  test("show the kind once when the label already starts with it", () => {
    expect(timelineKindPrefix("download", "Download query 1 page 1")).toBeNull();
    expect(timelineKindPrefix("upload", "Upload batch 3 of 44")).toBeNull();
    expect(timelineKindPrefix("prepare", "Prepare: count what goes to Sentinel")).toBeNull();
    expect(timelineKindPrefix("finalize", "Finalize job")).toBeNull();
  });

  test("name the kind when the label does not", () => {
    expect(timelineKindPrefix("prepare", "Dedupe, map and compare with what was sent, part 2")).toBe("Prepare");
    expect(timelineKindPrefix("cleaner", "Remove sync records older than 30 days")).toBe("Cleaner");
    // A word that merely begins with the kind's letters is not the kind.
    expect(timelineKindPrefix("upload", "Uploader warm-up")).toBe("Upload");
  });
});

describe("the job's empty error list", () => {
  const counts = { fetched: 0, sent: 0, revoked: 0, keepAlive: 0 };

  test("a failed job with nothing fetched shows its failure reason, not that every record was accepted", () => {
    const text = noErrorsText({ status: "failed", error: "ThreatConnect refused the API key", counts });
    expect(text.title).toBe("The job failed");
    expect(text.body).toContain("ThreatConnect refused the API key");
    expect(text.body).toContain("sent nothing");
    expect(text.body).not.toContain("accepted.");
  });

  test("a failed job that had sent records says how many before it failed", () => {
    const text = noErrorsText({ status: "failed", error: "Sentinel is down", counts: { ...counts, sent: 1200 } });
    expect(text.body).toContain("accepted 1,200 records");
  });

  test("a finished job that sent records says every record was accepted", () => {
    expect(noErrorsText({ status: "succeeded", error: null, counts: { ...counts, fetched: 5, sent: 5 } }).body).toBe(
      "Every record of this job was accepted.",
    );
  });

  test("a finished job that sent nothing says why nothing was sent", () => {
    expect(noErrorsText({ status: "succeeded", error: null, counts }).body).toContain("matched no indicator");
    expect(noErrorsText({ status: "succeeded", error: null, counts: { ...counts, fetched: 9 } }).body).toContain(
      "unchanged",
    );
  });

  test("running and cancelled jobs do not claim anything was accepted", () => {
    expect(noErrorsText({ status: "running", error: null, counts }).title).toBe("No errors so far");
    expect(noErrorsText({ status: "cancelled", error: null, counts }).body).toContain("cancelled");
  });
});
