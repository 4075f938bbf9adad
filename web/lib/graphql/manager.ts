// Documents of the managers' screens: assigning jobs to operators, a line's jobs and cancelling one,
// the (read-only) schedules and work orders, and a line's shift handover with its notes.
import { graphql } from "./generated";

export const OperatorsQuery = graphql(`
  query Operators {
    users(role: OPERATOR, active: true, first: 100) {
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

export const LineJobFieldsFragment = graphql(`
  fragment LineJobFields on Job {
    id
    title
    status
    assigneeId
    plannedQuantity
    actualGoodQuantity
    actualRejectQuantity
    dueAt
    assignedAt
    cancelReason
    equipment {
      id
      name
    }
  }
`);

export const LineJobsQuery = graphql(`
  query LineJobs($lineId: ID!) {
    jobs(lineId: $lineId) {
      ...LineJobFields
    }
  }
`);

export const AssignJobMutation = graphql(`
  mutation AssignJob($input: AssignJobInput!) {
    assignJob(input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on JobRuleBroken {
        rule
        breaches {
          rule
          message
        }
      }
      ... on MutationAssignJobSuccess {
        data {
          ...LineJobFields
        }
      }
    }
  }
`);

export const CancelJobMutation = graphql(`
  mutation CancelJob($jobId: ID!, $reason: String!, $idempotencyKey: String) {
    cancelJob(jobId: $jobId, reason: $reason, idempotencyKey: $idempotencyKey) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationCancelJobSuccess {
        data {
          ...LineJobFields
        }
      }
    }
  }
`);

export const LineScheduleQuery = graphql(`
  query LineSchedule($lineId: ID!) {
    productionSchedules(lineId: $lineId, first: 20) {
      edges {
        node {
          id
          name
          periodStart
          periodEnd
          status
        }
      }
    }
    workOrders(lineId: $lineId, first: 50) {
      edges {
        node {
          id
          number
          status
          priority
          plannedQuantity
          plannedStart
          plannedEnd
          goodQuantity
          productType {
            name
          }
        }
      }
    }
  }
`);

export const ShiftHandoverQuery = graphql(`
  query ShiftHandover($lineId: ID!) {
    shiftHandover(lineId: $lineId) {
      shiftInstance {
        id
        startsAt
        endsAt
        shift {
          name
        }
      }
      openAndons {
        id
        type
        priority
        status
        faultCode
        note
        raisedAt
        equipment {
          name
        }
      }
      untaggedStops {
        id
        startedAt
        durationSeconds
        firstOutFaultCode
        equipment {
          name
        }
      }
      unsignedChecklists {
        id
        status
        equipmentId
      }
      notes {
        id
        body
        createdAt
        authorName
      }
      notesFromPreviousShift {
        id
        body
        createdAt
        authorName
      }
    }
  }
`);

export const WriteHandoverNoteMutation = graphql(`
  mutation WriteHandoverNote($lineId: ID!, $body: String!) {
    writeHandoverNote(lineId: $lineId, body: $body) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationWriteHandoverNoteSuccess {
        data {
          id
        }
      }
    }
  }
`);

export const LineJobStatisticsQuery = graphql(`
  query LineJobStatistics($lineId: ID!, $from: DateTime!, $to: DateTime!) {
    jobStatistics(lineId: $lineId, from: $from, to: $to, groupBy: [OPERATOR, SHIFT]) {
      operator {
        id
        name
      }
      shift {
        id
        name
      }
      assigned
      accepted
      completed
      completedOnTime
      meanTimeToAcceptSeconds
      meanTimeToCompleteSeconds
      plannedQuantity
      goodQuantity
      quantityAgainstPlanned
    }
  }
`);
