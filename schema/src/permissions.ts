// The one permission matrix: the eight roles and what each may do. The API guards every field and
// mutation from it (scope-auth), API keys carry a subset of it, and the web app hides what it refuses.

export const ROLES = [
  "ADMIN",
  "PRODUCTION_MANAGER",
  "SHIFT_MANAGER",
  "ENGINEER",
  "OPERATOR",
  "MAINTENANCE_TECHNICIAN",
  "QUALITY_INSPECTOR",
  "VIEWER",
] as const;
export type Role = (typeof ROLES)[number];

/**
 * The roles a PIN sign-in on a shared floor tablet carries. A PIN is a few digits typed where others
 * watch, so it never opens administration, plant or PLC settings, or user management: an
 * administrator who also has a PIN gets only these of their roles from a PIN sign-in.
 */
export const FLOOR_ROLES = [
  "SHIFT_MANAGER",
  "OPERATOR",
  "MAINTENANCE_TECHNICIAN",
  "QUALITY_INSPECTOR",
  "VIEWER",
] as const satisfies readonly Role[];

/** Those of `roles` a PIN sign-in may carry (FLOOR_ROLES). */
export function floorRolesOf(roles: readonly Role[]): Role[] {
  return roles.filter((role) => (FLOOR_ROLES as readonly Role[]).includes(role));
}

/** Every permission, with what it allows in words a plant manager would use. */
export const PERMISSIONS = {
  "plant:read": "See sites, lines, equipment and product types",
  "plant:manage": "Create and change lines, equipment, PLC settings and product types",
  "shift:manage": "Define shift patterns and assign people to shifts",
  "schedule:read": "See schedules, work orders and production targets",
  "schedule:manage": "Create and change schedules, work orders and targets",
  "schedule:import": "Bulk-import work orders from MES/ERP",
  "job:read": "See operator jobs",
  "job:assign": "Assign jobs to operators",
  "job:execute": "Accept, start and complete jobs assigned to oneself",
  "job:cancel": "Cancel a job with a reason",
  "checklist:complete": "Fill in and sign pre-start checklists",
  "checklist:manage": "Create and change checklist templates",
  "line-state:read": "See live line and equipment state",
  "downtime:read": "See downtime events and their reasons",
  "downtime:confirm-reason": "Confirm or change the reason of a current or recent stop",
  "downtime:edit-history": "Split, merge and reclassify past stops",
  "reason-code:manage": "Maintain the downtime reason tree and the fault catalog",
  "oee:read": "See OEE, production counts and trends",
  "andon:read": "See andon calls and their escalation",
  "andon:raise": "Raise an andon call",
  "andon:respond": "Acknowledge, work on and resolve andon calls",
  "escalation:manage": "Edit escalation rules, levels and recipients",
  "escalation:trigger": "Escalate an andon by hand to a chosen level",
  "alert:manage": "Define production alert thresholds",
  "alert:read": "See production alerts and the thresholds that raise them",
  "notification:read": "See one's own notifications, mark them read and choose how to be notified",
  "quality:read": "See quality checks, measurements and scrap",
  "quality:perform": "Perform quality checks and record measurements",
  "quality:manage": "Maintain quality check templates and defect codes",
  "scrap:record": "Record scrap and rework",
  "maintenance:read": "See maintenance work orders",
  "maintenance:execute": "Work on maintenance work orders: tasks, parts, time",
  "maintenance:manage": "Create, assign and close maintenance work orders",
  "material:record": "Record material consumption",
  "report:read": "See and download reports",
  "report:run": "Run reports on demand",
  "report:schedule": "Schedule reports and their recipients",
  "handover:write": "Write shift handover notes",
  "user:read": "See users and their roles",
  "user:manage": "Create, change and deactivate users, reset passwords and PINs, assign roles",
  "api-key:manage": "Create and revoke service accounts and API keys",
  "audit:read": "Read the audit log",
  "system:read": "See every service's health, stream lag, dead letters, database size and Redis memory",
} as const;
export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

const READ_ONLY: readonly Permission[] = [
  "plant:read",
  "schedule:read",
  "job:read",
  "line-state:read",
  "downtime:read",
  "oee:read",
  "andon:read",
  "quality:read",
  "maintenance:read",
  "report:read",
  "alert:read",
  "notification:read",
];

const FLOOR_BASICS: readonly Permission[] = [...READ_ONLY, "andon:raise", "handover:write"];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  ADMIN: ALL_PERMISSIONS,
  PRODUCTION_MANAGER: [
    ...FLOOR_BASICS,
    "shift:manage",
    "schedule:manage",
    "schedule:import",
    "job:assign",
    "job:cancel",
    "checklist:manage",
    "downtime:confirm-reason",
    "downtime:edit-history",
    "reason-code:manage",
    "andon:respond",
    "escalation:manage",
    "escalation:trigger",
    "alert:manage",
    "maintenance:manage",
    "material:record",
    "report:run",
    "report:schedule",
    "user:read",
    "audit:read",
  ],
  SHIFT_MANAGER: [
    ...FLOOR_BASICS,
    "schedule:manage",
    "job:assign",
    "job:cancel",
    "downtime:confirm-reason",
    "downtime:edit-history",
    "andon:respond",
    "escalation:trigger",
    "maintenance:manage",
    "material:record",
    "report:run",
    "user:read",
  ],
  ENGINEER: [
    ...FLOOR_BASICS,
    "plant:manage",
    "system:read",
    "checklist:manage",
    "downtime:confirm-reason",
    "downtime:edit-history",
    "reason-code:manage",
    "andon:respond",
    "alert:manage",
    "maintenance:execute",
    "maintenance:manage",
    "report:run",
  ],
  OPERATOR: [
    ...FLOOR_BASICS,
    "job:execute",
    "checklist:complete",
    "downtime:confirm-reason",
    "scrap:record",
    "material:record",
  ],
  MAINTENANCE_TECHNICIAN: [
    ...FLOOR_BASICS,
    "checklist:complete",
    "downtime:confirm-reason",
    "andon:respond",
    "maintenance:execute",
  ],
  QUALITY_INSPECTOR: [
    ...FLOOR_BASICS,
    "andon:respond",
    "quality:perform",
    "quality:manage",
    "scrap:record",
    "report:run",
  ],
  VIEWER: READ_ONLY,
};

/** The union of the permissions of `roles`. */
export function permissionsOf(roles: readonly Role[]): ReadonlySet<Permission> {
  return new Set(roles.flatMap((role) => ROLE_PERMISSIONS[role]));
}

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}
