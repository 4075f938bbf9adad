// The part of the services' Prisma client the auth library uses. Named by type only: @ms5/db depends
// on kit, so kit must not load it at run time, and `import type` is erased before the code runs.
import type { PrismaClient } from "@ms5/db";

export type AuthDatabase = Pick<
  PrismaClient,
  "user" | "refreshToken" | "serviceAccount" | "apiKey" | "auditLog" | "$transaction"
>;
