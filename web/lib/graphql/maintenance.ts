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

/** One work order with everything its detail screen shows: tasks, parts with their cost, time logged. */
export const MaintenanceWorkOrderDetailQuery = graphql(`
  query MaintenanceWorkOrderDetail($id: ID!) {
    maintenanceWorkOrder(id: $id) {
      ...MaintenanceFields
      description
      assigneeId
      requestedById
      minutesSpent
      partsCost
      unpricedPartCount
      andon {
        id
      }
      tasks {
        id
        position
        description
        status
        minutesSpent
        completedAt
      }
      parts {
        id
        partNumber
        description
        quantity
        unitCost
        cost
      }
    }
  }
`);

/** Lines and their equipment, to choose what a new work order is for and whose MTBF/MTTR to read. */
export const MaintenanceEquipmentQuery = graphql(`
  query MaintenanceEquipment {
    lines(first: 50, activeOnly: true) {
      edges {
        node {
          id
          name
          equipment {
            id
            code
            name
          }
        }
      }
    }
  }
`);

/** The people a work order can be given to. */
export const TechniciansQuery = graphql(`
  query Technicians {
    users(role: MAINTENANCE_TECHNICIAN, active: true, first: 100) {
      edges {
        node {
          id
          name
          employeeId
        }
      }
    }
  }
`);

export const CreateMaintenanceWorkOrderMutation = graphql(`
  mutation CreateMaintenanceWorkOrder($input: CreateMaintenanceWorkOrderInput!) {
    createMaintenanceWorkOrder(input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationCreateMaintenanceWorkOrderSuccess {
        data {
          ...MaintenanceFields
        }
      }
    }
  }
`);

export const AssignMaintenanceWorkOrderMutation = graphql(`
  mutation AssignMaintenanceWorkOrder($workOrderId: ID!, $assigneeId: ID!) {
    assignMaintenanceWorkOrder(workOrderId: $workOrderId, assigneeId: $assigneeId) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationAssignMaintenanceWorkOrderSuccess {
        data {
          ...MaintenanceFields
          assigneeId
        }
      }
    }
  }
`);

export const AddMaintenanceTaskMutation = graphql(`
  mutation AddMaintenanceTask($workOrderId: ID!, $description: String!) {
    addMaintenanceTask(workOrderId: $workOrderId, description: $description) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationAddMaintenanceTaskSuccess {
        data {
          id
          status
        }
      }
    }
  }
`);

export const FinishMaintenanceTaskMutation = graphql(`
  mutation FinishMaintenanceTask($taskId: ID!, $outcome: MaintenanceTaskOutcome!, $minutesSpent: Int) {
    finishMaintenanceTask(taskId: $taskId, outcome: $outcome, minutesSpent: $minutesSpent) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationFinishMaintenanceTaskSuccess {
        data {
          id
          status
          minutesSpent
        }
      }
    }
  }
`);

export const LogMaintenanceTimeMutation = graphql(`
  mutation LogMaintenanceTime($taskId: ID!, $minutes: Int!) {
    logMaintenanceTime(taskId: $taskId, minutes: $minutes) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationLogMaintenanceTimeSuccess {
        data {
          id
          minutesSpent
        }
      }
    }
  }
`);

export const RecordMaintenancePartMutation = graphql(`
  mutation RecordMaintenancePart($workOrderId: ID!, $part: MaintenancePartInput!) {
    recordMaintenancePart(workOrderId: $workOrderId, part: $part) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationRecordMaintenancePartSuccess {
        data {
          id
          cost
        }
      }
    }
  }
`);

export const EquipmentReliabilityQuery = graphql(`
  query EquipmentReliability($equipmentIds: [ID!]!, $from: DateTime!, $to: DateTime!) {
    equipmentReliability(equipmentIds: $equipmentIds, from: $from, to: $to) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on QueryEquipmentReliabilitySuccess {
        data {
          equipment {
            id
          }
          failureCount
          repairCount
          operatingSeconds
          mtbfSeconds
          mttrSeconds
        }
      }
    }
  }
`);
