// A machine seen from its PLC: tags with live values, fault bits, the connection's health and a trend.
import { graphql } from "./generated";

export const EquipmentDiagnosticsQuery = graphql(`
  query EquipmentDiagnostics($equipmentId: ID!) {
    equipmentDiagnostics(equipmentId: $equipmentId) {
      equipment {
        id
        code
        name
      }
      plc {
        name
        driver
        host
        port
      }
      snapshotStatus
      snapshotAt
      connection {
        state
        connected
        commsLost
        goodReads
        failedReads
        lastRoundTripMs
        reconnects
        failedConnects
        lastGoodReadAt
        lastError
      }
      tags {
        signal
        address
        type
        scanMs
        value
        quality
        error
        readAt
        changedAt
      }
      faultBits {
        bitIndex
        set
        faultCode
        text
        category
        catalogActive
      }
      trendFrom
      trendTo
      trendBucketSeconds
      trend {
        signal
        points {
          at
          average
          min
          max
          samples
        }
      }
    }
  }
`);
