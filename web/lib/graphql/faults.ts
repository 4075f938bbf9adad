// Documents of fault analysis: the Pareto of a line's faults, their timeline per machine, and a stop
// opened to the sequence of faults that started and followed it.
import { graphql } from "./generated";

export const FaultStatisticsQuery = graphql(`
  query FaultStatistics($lineId: ID!, $from: DateTime!, $to: DateTime!, $orderBy: FaultStatisticsOrder) {
    faultStatistics(lineId: $lineId, from: $from, to: $to, orderBy: $orderBy, first: 20) {
      equipment {
        id
        code
        name
      }
      faultCode
      text
      occurrences
      activeSeconds
      firstOutStops
      lostSeconds
      followingOccurrences
      meanTimeBetweenSeconds
    }
  }
`);

export const FaultEventFieldsFragment = graphql(`
  fragment FaultEventFields on FaultEvent {
    id
    faultCode
    bitIndex
    text
    risingAt
    fallingAt
    durationSeconds
    isFirstOut
    equipment {
      id
      code
      name
    }
  }
`);

export const FaultTimelineQuery = graphql(`
  query FaultTimeline($lineId: ID!, $from: DateTime!, $to: DateTime!, $after: String) {
    faultEvents(lineId: $lineId, from: $from, to: $to, first: 100, after: $after) {
      edges {
        node {
          ...FaultEventFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const StopsWithFaultsQuery = graphql(`
  query StopsWithFaults($lineId: ID!, $from: DateTime!, $to: DateTime!) {
    downtimeEvents(lineId: $lineId, from: $from, to: $to, first: 200) {
      ...FaultStopFields
    }
  }
`);

export const FaultStopFieldsFragment = graphql(`
  fragment FaultStopFields on DowntimeEvent {
      id
      startedAt
      endedAt
      durationSeconds
      category
      firstOutFaultCode
      equipment {
        id
        code
        name
      }
      reason {
        id
        name
      }
      suggestedReason {
        id
        name
      }
  }
`);

/** The stops overlapping one stop's span (the stop itself among them), each with its fault sequence. */
export const StopFaultSequenceQuery = graphql(`
  query StopFaultSequence($lineId: ID!, $from: DateTime!, $to: DateTime!) {
    downtimeEvents(lineId: $lineId, from: $from, to: $to, first: 20) {
      id
      faultSequence {
        ...FaultEventFields
      }
    }
  }
`);
