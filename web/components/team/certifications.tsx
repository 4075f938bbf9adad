"use client";
// A person's certifications on the team screen: what each qualifies for and until when, lapsed ones
// marked. Administrators (user:manage) renew, revoke and grant them here; the server checks the
// permission and the dates again, and its refusal is shown as it words it.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import {
  EquipmentKindsQuery,
  GrantCertificationMutation,
  RenewCertificationMutation,
  RevokeCertificationMutation,
} from "@/lib/graphql/team";

export interface CertificationRow {
  id?: string | null;
  name?: string | null;
  expiresAt?: string | null;
  expired?: boolean | null;
  equipmentKind?: string | null;
  equipment?: { name?: string | null } | null;
}

function day(at: string | null | undefined): string {
  return at ? new Date(at).toLocaleDateString(undefined, { dateStyle: "medium" }) : "no expiry";
}

/** A date input's day, as the start (issued) or the end (expires) of that local day. */
function isoOf(value: string, end: boolean): string {
  return new Date(`${value}T${end ? "23:59:59" : "00:00:00"}`).toISOString();
}

function qualification(cert: CertificationRow): string {
  return cert.equipment?.name ?? (cert.equipmentKind ? `every ${cert.equipmentKind}` : "no machine");
}

export function Certifications({
  userId,
  personName,
  certifications,
  canManage,
  onChanged,
}: {
  userId: string;
  personName: string;
  certifications: readonly CertificationRow[];
  canManage: boolean;
  onChanged: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [renewals, setRenewals] = useState<Record<string, string>>({});
  const [grant, setGrant] = useState({ name: "", kind: "", issued: "", expires: "" });
  const [, renew] = useMutation(RenewCertificationMutation);
  const [, revoke] = useMutation(RevokeCertificationMutation);
  const [granting, grantCertification] = useMutation(GrantCertificationMutation);
  const [kinds] = useQuery({ query: EquipmentKindsQuery, pause: !open });
  const kindNames = [
    ...new Set((kinds.data?.allEquipment?.edges ?? []).flatMap((edge) => (edge.node?.kind ? [edge.node.kind] : []))),
  ].sort();

  const outcome = (refusal: { message: string } | null, done: string) => {
    setMessage(refusal ? { error: true, text: refusal.message } : { error: false, text: done });
    if (!refusal) onChanged();
  };

  return (
    <div data-testid="certifications">
      {certifications.length === 0 ? <span className="muted">None</span> : null}
      <ul className="certifications">
        {certifications.map((cert) => (
          <li key={cert.id} data-testid="certification" data-expired={cert.expired ? "true" : "false"}>
            <strong>{cert.name}</strong> <span className="muted">({qualification(cert)})</span>{" "}
            {cert.expired ? (
              <span className="error">expired {day(cert.expiresAt)}</span>
            ) : (
              <span>until {day(cert.expiresAt)}</span>
            )}
            {canManage && open ? (
              <div className="row" style={{ flexWrap: "wrap" }}>
                <label htmlFor={`renew-${cert.id}`}>New expiry for {cert.name}</label>
                <input
                  id={`renew-${cert.id}`}
                  type="date"
                  value={renewals[cert.id!] ?? ""}
                  onChange={(event) => setRenewals({ ...renewals, [cert.id!]: event.target.value })}
                />
                <button
                  type="button"
                  disabled={!renewals[cert.id!]}
                  onClick={async () => {
                    const result = await renew({
                      id: cert.id!,
                      input: { expiresAt: isoOf(renewals[cert.id!]!, true) },
                    });
                    outcome(refusalOf(result.data?.updateCertification, result.error), `${cert.name} renewed.`);
                  }}
                >
                  Renew
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={async () => {
                    const result = await revoke({ id: cert.id! });
                    outcome(refusalOf(result.data?.revokeCertification, result.error), `${cert.name} revoked.`);
                  }}
                >
                  Revoke {cert.name}
                </button>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {canManage ? (
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "Done" : `Certifications of ${personName}…`}
        </button>
      ) : null}
      {canManage && open ? (
        <form
          aria-label={`Grant ${personName} a certification`}
          onSubmit={async (event) => {
            event.preventDefault();
            const result = await grantCertification({
              input: {
                userId,
                name: grant.name,
                equipmentKind: grant.kind || null,
                issuedAt: isoOf(grant.issued, false),
                expiresAt: grant.expires ? isoOf(grant.expires, true) : null,
              },
            });
            const refusal = refusalOf(result.data?.grantCertification, result.error);
            outcome(refusal, `${grant.name} granted.`);
            if (!refusal) setGrant({ name: "", kind: "", issued: "", expires: "" });
          }}
        >
          <div className="grid two">
            <div>
              <label htmlFor={`cert-name-${userId}`}>Certification</label>
              <input
                id={`cert-name-${userId}`}
                required
                maxLength={200}
                value={grant.name}
                onChange={(event) => setGrant({ ...grant, name: event.target.value })}
              />
            </div>
            <div>
              <label htmlFor={`cert-kind-${userId}`}>Qualifies for</label>
              <select
                id={`cert-kind-${userId}`}
                value={grant.kind}
                onChange={(event) => setGrant({ ...grant, kind: event.target.value })}
              >
                <option value="">No machine (e.g. first aid)</option>
                {kindNames.map((kind) => (
                  <option key={kind} value={kind}>
                    every {kind}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor={`cert-issued-${userId}`}>Issued</label>
              <input
                id={`cert-issued-${userId}`}
                type="date"
                required
                value={grant.issued}
                onChange={(event) => setGrant({ ...grant, issued: event.target.value })}
              />
            </div>
            <div>
              <label htmlFor={`cert-expires-${userId}`}>Expires</label>
              <input
                id={`cert-expires-${userId}`}
                type="date"
                value={grant.expires}
                onChange={(event) => setGrant({ ...grant, expires: event.target.value })}
              />
            </div>
          </div>
          <button type="submit" className="primary" disabled={granting.fetching}>
            Grant certification
          </button>
        </form>
      ) : null}
      {message ? (
        <span
          className={message.error ? "error" : undefined}
          role={message.error ? "alert" : "status"}
          data-testid="certification-outcome"
        >
          {message.text}
        </span>
      ) : null}
    </div>
  );
}
