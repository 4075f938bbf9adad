"use client";
// An andon's photos: taking one with the tablet's camera (or choosing a file), downscaled in the
// browser to the photo size limit before it is sent, and the photos already attached.
import { useState } from "react";
import { useMutation } from "urql";
import { DataTable } from "@/components/data/data-table";
import { downscalePhoto } from "@/lib/andon/downscale-photo";
import { AttachAndonPhotoMutation } from "@/lib/graphql/andon-workflow";
import { refusalMessageOf } from "@/lib/graphql/mutation-outcome";

type Photo = { id?: string | null; contentType?: string | null; sizeBytes?: number | null; uploadedAt?: string | null };

export function AndonPhotos({
  andonId,
  photos,
  canAttach,
  onChanged,
}: {
  andonId: string;
  photos: readonly Photo[];
  canAttach: boolean;
  onChanged: () => void;
}) {
  const [, attach] = useMutation(AttachAndonPhotoMutation);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  async function send(file: File) {
    setBusy(true);
    setMessage(null);
    try {
      const photo = await downscalePhoto(file);
      const refusal = await refusalMessageOf(
        () => attach({ andonId, photo: { contentType: photo.contentType, base64: photo.base64 } }),
        "attachAndonPhoto",
      );
      setMessage(
        refusal
          ? { error: true, text: refusal }
          : {
              error: false,
              text: `Photo attached (${photo.width}×${photo.height}, ${Math.round(photo.sizeBytes / 1024)} KiB).`,
            },
      );
      onChanged();
    } catch (error) {
      setMessage({ error: true, text: error instanceof Error ? error.message : "The photo could not be read." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="andon-photos-heading">
      <h2 id="andon-photos-heading">Photos</h2>
      <DataTable
        testId="andon-photos"
        rows={photos}
        rowKey={(photo) => photo.id ?? ""}
        rowProps={() => ({ "data-testid": "andon-photo" })}
        empty="No photos yet."
        columns={[
          { header: "Taken", cell: (photo) => (photo.uploadedAt ? new Date(photo.uploadedAt).toLocaleString() : "") },
          { header: "Kind", cell: (photo) => photo.contentType },
          { header: "Size", cell: (photo) => `${Math.round((photo.sizeBytes ?? 0) / 1024)} KiB` },
        ]}
      />
      {canAttach ? (
        <>
          <label htmlFor="andon-photo-input" className="button">
            {busy ? "Sending photo…" : "📷 Take or choose a photo"}
          </label>
          <input
            id="andon-photo-input"
            className="visually-hidden"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            capture="environment"
            disabled={busy}
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = "";
              if (file) void send(file);
            }}
          />
        </>
      ) : null}
      {message ? (
        <p
          className={message.error ? "error" : undefined}
          role={message.error ? "alert" : "status"}
          data-testid="andon-photo-message"
        >
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
