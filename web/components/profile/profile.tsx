"use client";
// The profile: who is signed in (name, username, employee id, roles), changing one's own password and
// PIN (the current one proved, every other session signed out), and how one is notified.
import { ChangeSecretForm } from "@/components/auth/change-secret-form";
import { NotificationPreferences } from "@/components/profile/notification-preferences";
import { ROLE_NAMES } from "@/lib/navigation";
import { useSession } from "@/lib/react/stores";

export function Profile() {
  const session = useSession();
  if (session.status !== "signed-in") return null;
  const { user } = session.session;
  return (
    <>
      <h1>Your profile</h1>
      <section className="panel" aria-labelledby="details-heading" data-testid="profile-details">
        <h2 id="details-heading">Details</h2>
        <dl>
          <dt>Name</dt>
          <dd>{user.name}</dd>
          <dt>Username</dt>
          <dd>{user.username}</dd>
          <dt>Employee id</dt>
          <dd>{user.employeeId}</dd>
          <dt>Roles</dt>
          <dd>{user.roles.map((role) => ROLE_NAMES[role] ?? role).join(", ")}</dd>
        </dl>
      </section>
      <div className="grid two">
        <ChangeSecretForm
          secret="password"
          login={user.username}
          heading="Change password"
          submitLabel="Change password"
          onChanged={() => undefined}
        />
        <ChangeSecretForm
          secret="pin"
          login={user.username}
          heading="Change tablet PIN"
          intro="The gateway signs you in again as a PIN does at a tablet (floor roles only): sign in with your password afterwards for the other screens."
          submitLabel="Change PIN"
          onChanged={() => undefined}
        />
      </div>
      <NotificationPreferences />
    </>
  );
}
