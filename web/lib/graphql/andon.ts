// Documents of andon calls: open calls with their escalation state, their live feed, raising one
// (with an idempotency key, so a replay from the offline queue raises it once) and acknowledging it.
import { graphql } from "./generated";

export const AndonFieldsFragment = graphql(`
  fragment AndonFields on AndonEvent {
    id
    type
    priority
    status
    source
    faultCode
    note
    raisedAt
    acknowledgedAt
    resolvedAt
    repeatCount
    line {
      id
      name
    }
    equipment {
      id
      name
    }
    escalations {
      id
      kind
      status
      currentLevel
      nextDueAt
    }
  }
`);

export const AndonEventsQuery = graphql(`
  query AndonEvents($lineId: ID) {
    andonEventsConnection(lineId: $lineId, first: 50) {
      edges {
        node {
          ...AndonFields
        }
      }
    }
  }
`);

export const AndonRaisedSubscription = graphql(`
  subscription AndonRaised($lineId: ID) {
    andonRaised(lineId: $lineId) {
      ...AndonFields
    }
  }
`);

export const AndonUpdatedSubscription = graphql(`
  subscription AndonUpdated($lineId: ID) {
    andonUpdated(lineId: $lineId) {
      ...AndonFields
    }
  }
`);

export const RaiseAndonMutation = graphql(`
  mutation RaiseAndon($input: RaiseAndonInput!) {
    raiseAndon(input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationRaiseAndonSuccess {
        data {
          ...AndonFields
        }
      }
    }
  }
`);

export const AcknowledgeAndonMutation = graphql(`
  mutation AcknowledgeAndon($andonId: ID!, $note: String, $idempotencyKey: String) {
    acknowledgeAndon(andonId: $andonId, note: $note, idempotencyKey: $idempotencyKey) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationAcknowledgeAndonSuccess {
        data {
          ...AndonFields
        }
      }
    }
  }
`);
