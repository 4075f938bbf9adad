// Where `pnpm start` decides the services' database URL: they connect as a login with data rights
// only (the role ms5_service the migrations create), never as the owner that migrations and the seed
// use, so a service cannot disable the triggers that keep records append-only.
import { ensureServiceLogin } from "@ms5/db/roles";

/** The login `pnpm start` makes on the owner's server when DATABASE_URL is not a service login already. */
export const LOCAL_SERVICE_LOGIN_USER = "ms5_floor_service";

export class ServiceLoginError extends Error {
  override name = "ServiceLoginError";
}

/**
 * The services' URL: DATABASE_URL as given when MIGRATION_DATABASE_URL names the owner separately
 * (the deployment made the login), else a login made now on the owner's server with `password`.
 */
export async function serviceDatabaseUrl(options: {
  ownerUrl: string;
  /** DATABASE_URL when MIGRATION_DATABASE_URL is set too; then it is used unchanged. */
  givenServiceUrl: string | undefined;
  password: string;
}): Promise<string> {
  if (options.givenServiceUrl) return options.givenServiceUrl;
  try {
    return await ensureServiceLogin(options.ownerUrl, { user: LOCAL_SERVICE_LOGIN_USER, password: options.password });
  } catch (error) {
    throw new ServiceLoginError(
      `could not make the services' database login ${LOCAL_SERVICE_LOGIN_USER} (${error instanceof Error ? error.message : String(error)}). ` +
        "Set MIGRATION_DATABASE_URL to the owner and DATABASE_URL to a login in the role ms5_service.",
    );
  }
}
