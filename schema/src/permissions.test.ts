import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_PERMISSIONS, PERMISSIONS, permissionsOf, ROLE_PERMISSIONS, ROLES } from "./permissions.ts";

describe("the permission matrix", () => {
  it("names at least 25 permissions, each described", () => {
    expect(ALL_PERMISSIONS.length).toBeGreaterThanOrEqual(25);
    for (const permission of ALL_PERMISSIONS) expect(PERMISSIONS[permission].length).toBeGreaterThan(10);
  });

  it("has the same eight roles as the database enum", () => {
    const prismaSchema = readFileSync(path.resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
    const enumBody = prismaSchema.match(/enum Role \{([^}]*)\}/)?.[1] ?? "";
    const databaseRoles = enumBody
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => /^[A-Z_]+$/.test(l));
    expect(databaseRoles).toEqual([...ROLES]);
  });

  it("gives the admin everything and every other permission to some role besides the admin", () => {
    expect(new Set(ROLE_PERMISSIONS.ADMIN)).toEqual(new Set(ALL_PERMISSIONS));
    const others = permissionsOf(ROLES.filter((r) => r !== "ADMIN"));
    const adminOnly = ALL_PERMISSIONS.filter((p) => !others.has(p));
    expect(adminOnly.sort()).toEqual(["api-key:manage", "user:manage"]);
  });

  it("keeps the viewer read-only", () => {
    expect(ROLE_PERMISSIONS.VIEWER.every((p) => p.endsWith(":read"))).toBe(true);
  });

  it("lets an operator run their own jobs but not assign jobs or edit past stops", () => {
    const operator = permissionsOf(["OPERATOR"]);
    expect(operator.has("job:execute")).toBe(true);
    expect(operator.has("downtime:confirm-reason")).toBe(true);
    expect(operator.has("job:assign")).toBe(false);
    expect(operator.has("downtime:edit-history")).toBe(false);
    expect(operator.has("escalation:manage")).toBe(false);
  });

  it("grants no permission twice to one role", () => {
    for (const role of ROLES) expect(new Set(ROLE_PERMISSIONS[role]).size, role).toBe(ROLE_PERMISSIONS[role].length);
  });
});
