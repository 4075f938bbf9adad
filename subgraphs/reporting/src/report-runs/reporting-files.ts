// Where this instance keeps report files and the secret its download links are signed with, in
// every request's context (`context.reportingFiles`, given to startSubgraphServer as a context extra).
export interface ReportingFiles {
  reportDirectory: string;
  /** The secret shared with the gateway (the first SUBGRAPH_GATEWAY_SECRET during a rotation). */
  linkSecret: string;
}
