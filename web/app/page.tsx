"use client";
// The start page sends a signed-in user to their role's home and anyone else to sign-in.
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { homeOf } from "@/lib/navigation";
import { useSession } from "@/lib/react/stores";

export default function StartPage() {
  const session = useSession();
  const router = useRouter();
  useEffect(() => {
    if (session.status === "signed-in") router.replace(homeOf(session.session.permissions));
    if (session.status === "signed-out") router.replace("/sign-in");
  }, [session, router]);
  return (
    <main aria-busy="true">
      <p className="muted">Loading…</p>
    </main>
  );
}
