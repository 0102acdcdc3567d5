import { describe, expect, it } from "vitest";
import { moved, queriesToSave, rowOf } from "./query-edit-session";

describe("moved", () => {
  it("takes an item out and puts it at the target position, up or down", () => {
    expect(moved(["a", "b", "c", "d"], 0, 2)).toEqual(["b", "c", "a", "d"]);
    expect(moved(["a", "b", "c", "d"], 3, 1)).toEqual(["a", "d", "b", "c"]);
  });

  it("leaves the list unchanged for a move past either end", () => {
    const list = ["a", "b"];
    expect(moved(list, 0, -1)).toEqual(["a", "b"]);
    expect(moved(list, 1, 2)).toEqual(["a", "b"]);
    expect(moved(list, 5, 0)).toEqual(["a", "b"]);
  });
});

describe("queriesToSave", () => {
  it("sends the saved ids and the edited order, without the table's row keys", () => {
    const saved = rowOf({
      id: "7f2c3c1e-4f1f-4c0e-9a35-0a4d1c2b3e4f",
      owners: ["Demo Organization"],
      types: ["Address"],
      tql: "rating >= 1",
      sortField: "dateAdded",
      sortDirection: "ASC",
      position: 0,
      updatedAt: new Date("2026-01-01T00:00:00Z"),
    });
    const added = { ...saved, id: undefined, key: "draft-1", tql: "confidence >= 50" };
    expect(queriesToSave([added, saved])).toEqual([
      {
        id: undefined,
        owners: ["Demo Organization"],
        types: ["Address"],
        tql: "confidence >= 50",
        sortField: "dateAdded",
        sortDirection: "ASC",
      },
      {
        id: saved.id,
        owners: ["Demo Organization"],
        types: ["Address"],
        tql: "rating >= 1",
        sortField: "dateAdded",
        sortDirection: "ASC",
      },
    ]);
  });
});
