import { describe, expect, it } from "vitest";
import { taskKindOfStep, taskStep } from "./task-steps";

describe("task steps", () => {
  it("carries the kind in the id and the label in the name", () => {
    const step = taskStep("upload", "upload", "Upload batch 17 of 240");
    expect(step).toEqual({ id: "upload:upload", name: "Upload batch 17 of 240" });
    expect(taskKindOfStep(step.id)).toBe("upload");
  });

  it("does not make bookkeeping steps into tasks", () => {
    expect(taskKindOfStep("start")).toBeUndefined();
    expect(taskKindOfStep("fan-out-1")).toBeUndefined();
    expect(taskKindOfStep("unknown:step")).toBeUndefined();
  });
});
