"use client";
// A secret the server shows once (temporary password or PIN, API key): said plainly that it will not
// be shown again, kept on screen until the admin says it has been passed on.
export function OneTimeSecret({
  title,
  secrets,
  onDismiss,
}: {
  title: string;
  secrets: { label: string; value: string }[];
  onDismiss: () => void;
}) {
  return (
    <section className="notice" role="alert" data-testid="one-time-secret">
      <h2>{title}</h2>
      <p>
        <strong>Shown once only.</strong> Pass it on now, in person or by phone; it cannot be shown again. It must be
        replaced at first use.
      </p>
      <dl>
        {secrets.map((secret) => (
          <div key={secret.label} className="row">
            <dt>{secret.label}</dt>
            <dd style={{ margin: 0 }}>
              <code className="big" data-testid="secret-value">
                {secret.value}
              </code>
            </dd>
          </div>
        ))}
      </dl>
      <button type="button" className="primary" onClick={onDismiss}>
        I have passed it on — hide it
      </button>
    </section>
  );
}
