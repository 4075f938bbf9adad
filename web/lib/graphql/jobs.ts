// Documents of operator jobs and their pre-start checklists: the caller's jobs, the job steps (each
// with an idempotency key so a replayed step changes nothing), filling in and signing a checklist.
import { graphql } from "./generated";

export const JobFieldsFragment = graphql(`
  fragment JobFields on Job {
    id
    title
    description
    status
    plannedQuantity
    actualGoodQuantity
    actualRejectQuantity
    dueAt
    acceptedAt
    startedAt
    completedAt
    line {
      id
      name
    }
    equipment {
      id
      code
      name
    }
  }
`);

export const MyJobsQuery = graphql(`
  query MyJobs($status: [JobStatus!]) {
    myJobs(status: $status) {
      ...JobFields
    }
  }
`);

/** The lines whose job feeds My jobs listens to: a job can be assigned to the caller on any of them. */
export const JobLinesQuery = graphql(`
  query JobLines {
    lines(first: 50, activeOnly: true) {
      edges {
        node {
          id
        }
      }
    }
  }
`);

export const MyJobUpdatedSubscription = graphql(`
  subscription MyJobUpdated($lineId: ID!) {
    jobUpdated(lineId: $lineId, assignedToMe: true) {
      ...JobFields
    }
  }
`);

export const AcceptJobMutation = graphql(`
  mutation AcceptJob($jobId: ID!, $idempotencyKey: String) {
    acceptJob(jobId: $jobId, idempotencyKey: $idempotencyKey) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationAcceptJobSuccess {
        data {
          ...JobFields
        }
      }
    }
  }
`);

export const StartJobMutation = graphql(`
  mutation StartJob($jobId: ID!, $idempotencyKey: String) {
    startJob(jobId: $jobId, idempotencyKey: $idempotencyKey) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationStartJobSuccess {
        data {
          ...JobFields
        }
      }
    }
  }
`);

export const CompleteJobMutation = graphql(`
  mutation CompleteJob(
    $jobId: ID!
    $actualGoodQuantity: Int!
    $actualRejectQuantity: Int
    $idempotencyKey: String
  ) {
    completeJob(
      jobId: $jobId
      actualGoodQuantity: $actualGoodQuantity
      actualRejectQuantity: $actualRejectQuantity
      idempotencyKey: $idempotencyKey
    ) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationCompleteJobSuccess {
        data {
          ...JobFields
        }
      }
    }
  }
`);

export const ChecklistTemplatesQuery = graphql(`
  query ChecklistTemplates($equipmentId: ID!) {
    checklistTemplates(equipmentId: $equipmentId, kind: PRE_START) {
      id
      name
      version
      requiresSignature
      defaultSignatureMeaning
      items {
        id
        position
        label
        type
        required
        minValue
        maxValue
        unit
        options
        helpText
      }
    }
  }
`);

export const StartChecklistMutation = graphql(`
  mutation StartChecklist($templateId: ID!, $equipmentId: ID!, $jobId: ID, $idempotencyKey: String) {
    startChecklist(templateId: $templateId, equipmentId: $equipmentId, jobId: $jobId, idempotencyKey: $idempotencyKey) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationStartChecklistSuccess {
        data {
          id
          status
          responses {
            itemId
            valueBoolean
            valueNumber
            valueText
            withinLimits
          }
        }
      }
    }
  }
`);

export const AnswerChecklistItemMutation = graphql(`
  mutation AnswerChecklistItem(
    $completionId: ID!
    $itemId: ID!
    $valueBoolean: Boolean
    $valueNumber: Float
    $valueText: String
  ) {
    answerChecklistItem(
      completionId: $completionId
      itemId: $itemId
      valueBoolean: $valueBoolean
      valueNumber: $valueNumber
      valueText: $valueText
    ) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationAnswerChecklistItemSuccess {
        data {
          itemId
          withinLimits
        }
      }
    }
  }
`);

export const SignChecklistMutation = graphql(`
  mutation SignChecklist($completionId: ID!, $secret: String!, $meaning: String) {
    signChecklist(completionId: $completionId, secret: $secret, meaning: $meaning) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on ChecklistIncomplete {
        missingItemIds
      }
      ... on MutationSignChecklistSuccess {
        data {
          id
          status
          passed
          signedAt
        }
      }
    }
  }
`);
