// The line dashboard's first load in one request: the line and its equipment, recent stops, the
// current job and today's hourly OEE buckets; live updates come from the plant/downtime/oee feeds.
import { graphql } from "./generated";

export const LineDashboardQuery = graphql(`
  query LineDashboard($lineId: ID!, $from: DateTime!, $to: DateTime!, $hoursFrom: DateTime!) {
    line(id: $lineId) {
      id
      code
      name
      oeeTarget
      site {
        id
      }
      liveState {
        state
        since
      }
      equipment {
        id
        code
        name
        isConstraint
        targetSpeedPerMinute
        liveState {
          state
          since
          speedPerMinute
          commsOk
          activeFaultCodes
          lastSampleAt
        }
      }
    }
    downtimeEvents(lineId: $lineId, from: $from, to: $to) {
      ...DowntimeFields
    }
    oeeTrend(lineId: $lineId, bucket: HOUR, from: $hoursFrom, to: $to) {
      ...OeeFields
    }
    jobs(lineId: $lineId, status: IN_PROGRESS) {
      id
      title
      plannedQuantity
      actualGoodQuantity
      startedAt
    }
  }
`);

/** The shift on duty and the line's hourly targets around now, for the production-by-hour chart. */
export const ShiftHourTargetsQuery = graphql(`
  query ShiftHourTargets($siteId: ID!, $lineId: ID!, $from: DateTime!, $to: DateTime!) {
    currentShiftInstance(siteId: $siteId) {
      id
      startsAt
      endsAt
      shift {
        id
        name
      }
    }
    productionTargets(lineId: $lineId, granularity: HOUR, from: $from, to: $to, first: 100) {
      edges {
        node {
          id
          periodStart
          targetQuantity
        }
      }
    }
  }
`);
