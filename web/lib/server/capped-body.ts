// Reads a request's body while counting it, and stops at a hard cap: a chunked body (no
// Content-Length) can be any size, and `request.text()` would buffer all of it before a check.

/** The body as text, or null once it passes `limitBytes` (the rest is not read). */
export async function readCappedText(request: Request, limitBytes: number): Promise<string | null> {
  if (Number(request.headers.get("content-length") ?? 0) > limitBytes) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
