import { describe, expect, it } from "vitest";
import { rolesAssignableBy } from "./settings-types";

describe("rolesAssignableBy", () => {
  it("lets owners hand out every role and admins only admin and member", () => {
    expect(rolesAssignableBy("owner")).toEqual(["owner", "admin", "member"]);
    expect(rolesAssignableBy("admin")).toEqual(["admin", "member"]);
    expect(rolesAssignableBy("member")).toEqual(["member"]);
  });
});
