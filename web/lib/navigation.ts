// The screens and who may open each: one required permission from the one matrix
// (@ms5/schema permissions). The navigation shows only what the role may open; a screen opened
// anyway explains the refusal, and the API refuses the calls whatever the screen does.
import type { Permission } from "@ms5/schema";
import type { Role } from "@/lib/graphql/generated/graphql";

export interface Screen {
  href: string;
  label: string;
  permission: Permission;
  /** Who it is for, said when someone else opens it. */
  audience: string;
  /** Reached from its section's tabs rather than the main navigation (keeps the header short). */
  inMenu?: false;
  /**
   * A tab that alone does not earn its role the Admin entry: a read-only reference everyone on site
   * may open (by its URL), which should not put an Admin link in an operator's header.
   */
  opensSection?: false;
}

export const SCREENS = {
  // Reached from one's name in the header, not the menu.
  profile: {
    href: "/profile",
    label: "Profile",
    permission: "notification:read",
    audience: "everyone signed in",
    inMenu: false,
  },
  // Reached from the bell in the header, not the menu.
  notifications: {
    href: "/notifications",
    label: "Notifications",
    permission: "notification:read",
    audience: "everyone signed in",
    inMenu: false,
  },
  jobs: { href: "/jobs", label: "My jobs", permission: "job:execute", audience: "operators" },
  lines: { href: "/lines", label: "Line", permission: "line-state:read", audience: "everyone on site" },
  overview: {
    href: "/overview",
    label: "Production overview",
    permission: "job:assign",
    audience: "shift and production managers",
  },
  downtime: {
    href: "/downtime",
    label: "Downtime review",
    permission: "downtime:edit-history",
    audience: "managers and engineers",
  },
  faults: {
    href: "/faults",
    label: "Faults",
    permission: "downtime:read",
    audience: "engineers (everyone on site may read it)",
    inMenu: false,
  },
  manualStops: {
    href: "/manual-stops",
    label: "Enter a stop",
    permission: "downtime:confirm-reason",
    audience: "operators, technicians and managers",
  },
  andon: { href: "/andon", label: "Andon", permission: "andon:read", audience: "everyone on site" },
  alerts: { href: "/alerts", label: "Alerts", permission: "alert:read", audience: "everyone on site" },
  equipment: { href: "/equipment", label: "Equipment", permission: "plant:read", audience: "everyone on site" },
  analysis: { href: "/analysis", label: "Analysis", permission: "oee:read", audience: "everyone on site" },
  reports: { href: "/reports", label: "Reports", permission: "report:read", audience: "everyone on site" },
  assign: {
    href: "/assign",
    label: "Assign jobs",
    permission: "job:assign",
    audience: "shift and production managers",
  },
  handover: {
    href: "/handover",
    label: "Handover",
    permission: "job:assign",
    audience: "shift and production managers",
  },
  maintenance: {
    href: "/maintenance",
    label: "Maintenance",
    permission: "maintenance:execute",
    audience: "engineers and maintenance technicians",
  },
  // In the menu of whoever may open work orders but not work on them (shift and production managers).
  maintenanceNew: {
    href: "/maintenance/new",
    label: "New work order",
    permission: "maintenance:manage",
    audience: "managers and engineers",
  },
  // One work order, reached from the list or from the order just made: everyone on site may read it;
  // its controls follow the permissions.
  maintenanceOrder: {
    href: "/maintenance",
    label: "Work order",
    permission: "maintenance:read",
    audience: "everyone on site",
    inMenu: false,
  },
  maintenanceReliability: {
    href: "/maintenance/reliability",
    label: "Reliability",
    permission: "maintenance:read",
    audience: "everyone on site",
    inMenu: false,
  },
  team: {
    href: "/team",
    label: "Team",
    permission: "user:read",
    audience: "shift and production managers",
  },
  quality: {
    href: "/quality",
    label: "Quality",
    permission: "quality:read",
    audience: "quality inspectors (everyone on site may read it)",
  },
  spc: {
    href: "/quality/spc",
    label: "SPC charts",
    permission: "quality:read",
    audience: "quality inspectors (everyone on site may read it)",
    inMenu: false,
  },
  defects: {
    href: "/quality/defects",
    label: "Defect Pareto",
    permission: "quality:read",
    audience: "quality inspectors (everyone on site may read it)",
    inMenu: false,
  },
  holds: {
    href: "/quality/holds",
    label: "Holds",
    permission: "quality:read",
    audience: "quality inspectors (everyone on site may read it)",
    inMenu: false,
  },
  users: {
    href: "/admin/users",
    label: "Users and roles",
    permission: "user:manage",
    audience: "administrators",
    inMenu: false,
  },
  serviceAccounts: {
    href: "/admin/service-accounts",
    label: "Service accounts",
    permission: "api-key:manage",
    audience: "administrators",
    inMenu: false,
  },
  audit: {
    href: "/admin/audit",
    label: "Audit log",
    permission: "audit:read",
    audience: "administrators and production managers",
    inMenu: false,
  },
  escalation: {
    href: "/admin/escalation",
    label: "Escalation rules",
    permission: "escalation:manage",
    audience: "administrators and production managers",
    inMenu: false,
  },
  plant: {
    href: "/admin/plant",
    label: "Lines and equipment",
    permission: "plant:manage",
    audience: "administrators and engineers",
    inMenu: false,
  },
  plcs: {
    href: "/admin/plcs",
    label: "PLCs and tag maps",
    permission: "plant:manage",
    audience: "administrators and engineers",
    inMenu: false,
  },
  system: {
    href: "/admin/system",
    label: "System",
    permission: "system:read",
    audience: "administrators and engineers",
    inMenu: false,
  },
  // Reached from a machine's row on the Equipment screen: /equipment/<id>/diagnostics.
  diagnostics: {
    href: "/equipment",
    label: "Diagnostics",
    permission: "system:read",
    audience: "engineers and administrators",
    inMenu: false,
  },
  faultCatalog: {
    href: "/admin/fault-catalog",
    label: "Fault catalog",
    permission: "plant:read",
    audience: "everyone on site (changed by engineers and administrators)",
    inMenu: false,
    opensSection: false,
  },
} as const satisfies Record<string, Screen>;

export type ScreenName = keyof typeof SCREENS;

/** The admin section's tabs, each shown only to a role holding its permission. */
export const ADMIN_TABS: readonly ScreenName[] = [
  "users",
  "serviceAccounts",
  "audit",
  "escalation",
  "plant",
  "plcs",
  "system",
  "faultCatalog",
];

/** The quality section's tabs (due checks, SPC, defects, holds); every role on site may read them. */
export const QUALITY_TABS: readonly ScreenName[] = ["quality", "spc", "defects", "holds"];

/** The admin section's entry in the main navigation: its first tab the role may open, if any. */
export function adminEntryOf(permissions: ReadonlySet<Permission>): Screen | undefined {
  return ADMIN_TABS.map((name): Screen => SCREENS[name]).find(
    (screen) => screen.opensSection !== false && permissions.has(screen.permission),
  );
}

/** Where a role lands after signing in. */
export function homeOf(permissions: ReadonlySet<Permission>): string {
  if (permissions.has("job:assign")) return SCREENS.overview.href;
  if (permissions.has("job:execute")) return SCREENS.lines.href;
  if (permissions.has("downtime:edit-history")) return SCREENS.equipment.href;
  if (permissions.has("quality:perform")) return SCREENS.quality.href;
  return SCREENS.lines.href;
}

export const ROLE_NAMES: Record<Role, string> = {
  ADMIN: "Admin",
  PRODUCTION_MANAGER: "Production manager",
  SHIFT_MANAGER: "Shift manager",
  ENGINEER: "Engineer",
  OPERATOR: "Operator",
  MAINTENANCE_TECHNICIAN: "Maintenance technician",
  QUALITY_INSPECTOR: "Quality inspector",
  VIEWER: "Viewer",
};

/** Every role, in the order people are shown them. */
export const ROLES = Object.keys(ROLE_NAMES) as Role[];
