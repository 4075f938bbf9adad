// The web server's start-up check (kit's loadConfigOrExit for Next.js): a bad value prints which
// variables are wrong and stops the server with status 78 (EX_CONFIG) before it serves a page.
import { ConfigError } from "@ms5/kit/config";
import { webEnvironment } from "./web-environment";

export function exitOnInvalidEnvironment(): void {
  try {
    webEnvironment();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`web: ${error.message}\nSee .env.example for every variable.\n`);
    process.exit(78);
  }
}
