"use client";
// The admin section's tabs: only the ones the signed-in role may open.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { ADMIN_TABS, SCREENS } from "@/lib/navigation";
import { useSession } from "@/lib/react/stores";

export function AdminTabs() {
  const session = useSession();
  const pathname = usePathname();
  if (session.status !== "signed-in") return null;
  return (
    <nav aria-label="Admin" className="row" style={{ marginBottom: 12 }}>
      {ADMIN_TABS.map((name) => SCREENS[name])
        .filter((screen) => session.session.permissions.has(screen.permission))
        .map((screen) => (
          <Link
            key={screen.href}
            href={screen.href}
            className="button"
            aria-current={pathname === screen.href ? "page" : undefined}
          >
            {screen.label}
          </Link>
        ))}
    </nav>
  );
}
