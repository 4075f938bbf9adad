// Runs once when the Next.js server starts: check the environment before serving anything, the way
// every service does. The check uses Node's process (exit status 78), so it is loaded only in the
// Node.js runtime, never bundled for the edge.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { exitOnInvalidEnvironment } = await import("./lib/server/check-environment-at-start");
  exitOnInvalidEnvironment();
}
