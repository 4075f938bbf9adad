// Documents of maintenance work orders (list and their status steps) and of the escalation rules an
// administrator switches on and off.
import { graphql } from "./generated";

export const MaintenanceFieldsFragment = graphql(`
  fragment MaintenanceFields on MaintenanceWorkOrder {
    id
    number
    type
    priority
    status
    title
    failureCause
    createdAt
    dueAt
    startedAt
    completedAt
    equipment {
      id
      name
    }
  }
`);

export const MaintenanceWorkOrdersQuery = graphql(`
  query MaintenanceWorkOrders($lineId: ID, $status: [MaintenanceStatus!], $after: String) {
    maintenanceWorkOrdersConnection(lineId: $lineId, status: $status, first: 50, after: $after) {
      edges {
        node {
          ...MaintenanceFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const StartMaintenanceWorkOrderMutation = graphql(`
  mutation StartMaintenanceWorkOrder($workOrderId: ID!) {
    startMaintenanceWorkOrder(workOrderId: $workOrderId) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationStartMaintenanceWorkOrderSuccess {
        data {
          ...MaintenanceFields
        }
      }
    }
  }
`);

export const HoldMaintenanceWorkOrderMutation = graphql(`
  mutation HoldMaintenanceWorkOrder($workOrderId: ID!, $reason: String!) {
    holdMaintenanceWorkOrder(workOrderId: $workOrderId, reason: $reason) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationHoldMaintenanceWorkOrderSuccess {
        data {
          ...MaintenanceFields
        }
      }
    }
  }
`);

export const CompleteMaintenanceWorkOrderMutation = graphql(`
  mutation CompleteMaintenanceWorkOrder($workOrderId: ID!, $failureCause: String) {
    completeMaintenanceWorkOrder(workOrderId: $workOrderId, failureCause: $failureCause) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationCompleteMaintenanceWorkOrderSuccess {
        data {
          ...MaintenanceFields
        }
      }
    }
  }
`);

export const EscalationRulesQuery = graphql(`
  query EscalationRules {
    escalationRules {
      id
      name
      priority
      andonType
      acknowledgeTimeoutSeconds
      resolveTimeoutSeconds
      active
      line {
        name
      }
      levels {
        id
        level
        kind
        delaySeconds
      }
    }
  }
`);

export const SetEscalationRuleActiveMutation = graphql(`
  mutation SetEscalationRuleActive($id: ID!, $active: Boolean!) {
    setEscalationRuleActive(id: $id, active: $active) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationSetEscalationRuleActiveSuccess {
        data {
          id
          active
        }
      }
    }
  }
`);
