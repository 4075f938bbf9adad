// Who a schedule's report goes to: e-mail addresses ("thomas@plant.example"), users ("user:<username>")
// or roles ("role:SHIFT_MANAGER"). Checked when a schedule is saved (a user without an e-mail address,
// a role nobody with an address holds, or a malformed entry is BAD_USER_INPUT) and resolved again at
// delivery, so a role's members are those of the day the report goes out.
import type { PrismaClient, Role } from "@ms5/db";
import { ApiError } from "@ms5/kit/subgraph";

export interface ResolvedRecipient {
  /** The entry as the schedule names it. */
  recipient: string;
  email: string;
  /** The user behind the address, when one has it: the in-app fallback goes to them. */
  userId: string | null;
}

const ROLES: readonly Role[] = [
  "ADMIN",
  "PRODUCTION_MANAGER",
  "SHIFT_MANAGER",
  "ENGINEER",
  "OPERATOR",
  "MAINTENANCE_TECHNICIAN",
  "QUALITY_INSPECTOR",
  "VIEWER",
];

// Deliberately plain: one @, no spaces, a dot in the domain. SMTP has the last word.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_RECIPIENTS = 50;

type Entry = { kind: "email"; email: string } | { kind: "user"; username: string } | { kind: "role"; role: Role };

function parseEntry(raw: string): Entry {
  const recipient = raw.trim();
  if (recipient.startsWith("user:")) return { kind: "user", username: recipient.slice(5) };
  if (recipient.startsWith("role:")) {
    const role = recipient.slice(5) as Role;
    if (!ROLES.includes(role)) {
      throw new ApiError("BAD_USER_INPUT", `Recipient "${raw}" names no role; roles are ${ROLES.join(", ")}.`);
    }
    return { kind: "role", role };
  }
  if (!EMAIL_PATTERN.test(recipient)) {
    throw new ApiError(
      "BAD_USER_INPUT",
      `Recipient "${raw}" is neither an e-mail address, "user:<username>" nor "role:<ROLE>".`,
    );
  }
  return { kind: "email", email: recipient.toLowerCase() };
}

/** The recipients as they are stored (trimmed, without repeats); throws on any that cannot get e-mail. */
export async function checkedRecipients(prisma: PrismaClient, recipients: readonly string[]): Promise<string[]> {
  const unique = [...new Set(recipients.map((r) => r.trim()))];
  if (unique.length === 0) throw new ApiError("BAD_USER_INPUT", "A schedule needs at least one recipient.");
  if (unique.length > MAX_RECIPIENTS) {
    throw new ApiError("BAD_USER_INPUT", `A schedule has at most ${MAX_RECIPIENTS} recipients.`);
  }
  for (const raw of unique) {
    const entry = parseEntry(raw);
    if (entry.kind === "user") {
      const user = await prisma.user.findUnique({ where: { username: entry.username } });
      if (!user?.active) throw new ApiError("BAD_USER_INPUT", `Recipient "${raw}" is no active user.`);
      if (!user.email) {
        throw new ApiError("BAD_USER_INPUT", `Recipient "${raw}" has no e-mail address to send the report to.`);
      }
    } else if (entry.kind === "role") {
      const reachable = await prisma.user.count({
        where: { active: true, roles: { has: entry.role }, email: { not: null } },
      });
      if (reachable === 0) {
        throw new ApiError("BAD_USER_INPUT", `Recipient "${raw}": no active user of that role has an e-mail address.`);
      }
    }
  }
  return unique;
}

/** Each address the report goes to once, with its user when one is known; entries that no longer resolve are left out. */
export async function resolveRecipients(
  prisma: PrismaClient,
  recipients: readonly string[],
): Promise<ResolvedRecipient[]> {
  const byEmail = new Map<string, ResolvedRecipient>();
  for (const raw of recipients) {
    let entry: Entry;
    try {
      entry = parseEntry(raw);
    } catch {
      continue;
    }
    if (entry.kind === "email") {
      const user = await prisma.user.findFirst({ where: { email: { equals: entry.email, mode: "insensitive" } } });
      if (!byEmail.has(entry.email))
        byEmail.set(entry.email, { recipient: raw, email: entry.email, userId: user?.id ?? null });
      continue;
    }
    const users =
      entry.kind === "user"
        ? await prisma.user.findMany({ where: { username: entry.username, active: true, email: { not: null } } })
        : await prisma.user.findMany({ where: { roles: { has: entry.role }, active: true, email: { not: null } } });
    for (const user of users) {
      const email = user.email!.toLowerCase();
      if (!byEmail.has(email)) byEmail.set(email, { recipient: raw, email, userId: user.id });
    }
  }
  return [...byEmail.values()];
}
