// Where this instance keeps report files and the secret its download links are signed with, found
// again from `context.redis` by the resolvers (they only see the request context).
import { perRedisClient } from "@ms5/kit";

export interface ReportingFiles {
  reportDirectory: string;
  /** The secret shared with the gateway (the first SUBGRAPH_GATEWAY_SECRET during a rotation). */
  linkSecret: string;
}

const filesByClient = perRedisClient<ReportingFiles>();
export const registerReportingFiles = filesByClient.register;
export const unregisterReportingFiles = filesByClient.unregister;
export const reportingFilesOf = filesByClient.of;
