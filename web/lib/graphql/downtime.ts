// Documents of stops: a line's stops over a period, their live feed, confirming a reason and a
// supervisor reclassifying a past stop.
import { graphql } from "./generated";

export const DowntimeFieldsFragment = graphql(`
  fragment DowntimeFields on DowntimeEvent {
    id
    startedAt
    endedAt
    durationSeconds
    category
    isMicroStop
    firstOutFaultCode
    confirmedAt
    suggestedReason {
      id
      code
      name
    }
    reason {
      id
      code
      name
    }
    confirmedBy {
      name
    }
    equipment {
      id
      code
      name
    }
  }
`);

export const DowntimeEventsQuery = graphql(`
  query DowntimeEvents($lineId: ID!, $from: DateTime!, $to: DateTime!, $unconfirmedOnly: Boolean) {
    downtimeEvents(lineId: $lineId, from: $from, to: $to, unconfirmedOnly: $unconfirmedOnly) {
      ...DowntimeFields
    }
  }
`);

export const DowntimeStartedSubscription = graphql(`
  subscription DowntimeStarted($lineId: ID!) {
    downtimeStarted(lineId: $lineId) {
      ...DowntimeFields
    }
  }
`);

export const DowntimeUpdatedSubscription = graphql(`
  subscription DowntimeUpdated($lineId: ID!) {
    downtimeUpdated(lineId: $lineId) {
      ...DowntimeFields
    }
  }
`);

export const ConfirmDowntimeReasonMutation = graphql(`
  mutation ConfirmDowntimeReason($downtimeEventId: ID!, $reasonCodeId: ID!, $idempotencyKey: String) {
    confirmDowntimeReason(
      downtimeEventId: $downtimeEventId
      reasonCodeId: $reasonCodeId
      idempotencyKey: $idempotencyKey
    ) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationConfirmDowntimeReasonSuccess {
        data {
          ...DowntimeFields
        }
      }
    }
  }
`);

export const ReclassifyDowntimeEventMutation = graphql(`
  mutation ReclassifyDowntimeEvent($downtimeEventId: ID!, $reasonCodeId: ID!, $note: String!) {
    reclassifyDowntimeEvent(downtimeEventId: $downtimeEventId, reasonCodeId: $reasonCodeId, note: $note) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationReclassifyDowntimeEventSuccess {
        data {
          ...DowntimeFields
        }
      }
    }
  }
`);

export const SplitDowntimeEventMutation = graphql(`
  mutation SplitDowntimeEvent($downtimeEventId: ID!, $at: DateTime!, $note: String!) {
    splitDowntimeEvent(downtimeEventId: $downtimeEventId, at: $at, note: $note) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationSplitDowntimeEventSuccess {
        data {
          operationId
        }
      }
    }
  }
`);

export const MergeDowntimeEventsMutation = graphql(`
  mutation MergeDowntimeEvents($downtimeEventIds: [ID!]!, $note: String!) {
    mergeDowntimeEvents(downtimeEventIds: $downtimeEventIds, note: $note) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationMergeDowntimeEventsSuccess {
        data {
          operationId
        }
      }
    }
  }
`);

/** A line's equipment (which is read from a PLC) and its stops of a window, for entering stops by hand. */
export const ManualStopsQuery = graphql(`
  query ManualStops($lineId: ID!, $from: DateTime!, $to: DateTime!) {
    line(id: $lineId) {
      id
      equipment {
        id
        name
        readFromPlc
      }
    }
    downtimeEvents(lineId: $lineId, from: $from, to: $to) {
      id
      startedAt
      endedAt
      source
      note
      reason {
        id
        name
      }
      equipment {
        id
        name
      }
    }
  }
`);

export const RecordManualStopMutation = graphql(`
  mutation RecordManualStop($input: RecordManualStopInput!) {
    recordManualStop(input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on ManualStopOverlaps {
        overlappingStartedAt
        overlappingEndedAt
      }
      ... on MutationRecordManualStopSuccess {
        data {
          id
          startedAt
          endedAt
        }
      }
    }
  }
`);

export const EndManualStopMutation = graphql(`
  mutation EndManualStop($downtimeEventId: ID!, $endedAt: DateTime!) {
    endManualStop(downtimeEventId: $downtimeEventId, endedAt: $endedAt) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationEndManualStopSuccess {
        data {
          id
          endedAt
        }
      }
    }
  }
`);
