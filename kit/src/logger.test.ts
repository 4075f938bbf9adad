import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, withCorrelationId } from "./logger.ts";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, destination };
}

describe("structured logging", () => {
  it("writes JSON lines with the service name and the correlation id of the work in progress", async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: "production", destination });
    await withCorrelationId("req-42", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info({ lineCode: "bagging-1" }, "line state changed");
    });
    logger.info("outside any request");
    expect(lines[0]).toMatchObject({
      service: "production",
      correlationId: "req-42",
      lineCode: "bagging-1",
      msg: "line state changed",
    });
    expect(lines[1]).not.toHaveProperty("correlationId");
  });

  it("never writes a new password, a refresh token, a secret or an Authorization header, however deep", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: "gateway", destination });
    logger.info(
      {
        body: { login: "admin", newPassword: "n3w-Secret-pass", refreshToken: "rt-abc-123" },
        config: { secret: "gateway-secret-xyz" },
        req: {
          headers: { authorization: "Bearer eyJ.hdr", "x-api-key": "ms5_live_key", cookie: "ms5_refresh=rt-cookie" },
        },
        temporaryPassword: "tmp-pass-777",
      },
      "change password",
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of [
      "n3w-Secret-pass",
      "rt-abc-123",
      "gateway-secret-xyz",
      "eyJ.hdr",
      "ms5_live_key",
      "rt-cookie",
      "tmp-pass-777",
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('"login":"admin"');
  });

  it("never writes passwords, PINs or tokens", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: "gateway", destination });
    logger.info({ password: "floor-demo-2026", pin: "1234", user: { token: "eyJ..." } }, "login attempt");
    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain("floor-demo-2026");
    expect(line).not.toContain("1234");
    expect(line).not.toContain("eyJ");
  });
});
