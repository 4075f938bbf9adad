// Where the floor's non-subgraph services listen when their port variable is unset (the subgraphs'
// are SUBGRAPH_DEFAULT_PORTS): read by each service and by whoever must find it (the system overview).
/** GATEWAY_PORT's default. */
export const GATEWAY_DEFAULT_PORT = 4000;
/** BRIDGE_OPS_PORT's default: the PLC bridge's /health and /metrics. */
export const BRIDGE_DEFAULT_OPS_PORT = 4100;
