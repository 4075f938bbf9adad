// The administrators' system overview: every service's health, stream lag, dead letters, sizes, versions.
import { graphql } from "./generated";

export const SystemHealthQuery = graphql(`
  query SystemHealth {
    systemHealth {
      checkedAt
      status
      services {
        name
        url
        status
        uptimeSeconds
        responseMs
        error
        subscriptions
        webSocketConnections
        warnings
        checks {
          name
          ok
          warning
          error
        }
      }
      streams {
        stream
        length
        groups {
          group
          consumers
          lag
          pending
        }
      }
      deadLetters {
        stream
        entries
      }
      database {
        sizeBytes
        version
      }
      redis {
        usedMemoryBytes
        peakMemoryBytes
        connectedClients
        version
      }
      versions {
        application
        node
      }
    }
  }
`);
