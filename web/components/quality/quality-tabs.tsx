"use client";
// The quality section's tabs: due checks, SPC charts, the defect Pareto and holds.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { QUALITY_TABS, SCREENS } from "@/lib/navigation";

export function QualityTabs() {
  const pathname = usePathname();
  return (
    <nav aria-label="Quality" className="row" style={{ marginBottom: 12 }}>
      {QUALITY_TABS.map((name) => ({
        ...SCREENS[name],
        label: name === "quality" ? "Due checks" : SCREENS[name].label,
      })).map((screen) => (
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
