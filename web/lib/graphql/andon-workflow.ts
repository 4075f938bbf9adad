// Documents of one andon's workflow after it was raised: its detail with history, photos and
// escalations, and the steps that finish it (start work, resolve with a root cause, close, reopen,
// escalate by hand, attach a photo). Each answers with the andon as it now is (an escalation, its
// escalation: the screen then reads the andon again).
import { graphql } from "./generated";

export const AndonDetailFieldsFragment = graphql(`
  fragment AndonDetailFields on AndonEvent {
    ...AndonFields
    startedAt
    rootCause
    resolutionNote
    closedAt
    reopenCount
    history {
      id
      fromStatus
      toStatus
      actorId
      at
      note
    }
    photos {
      id
      contentType
      sizeBytes
      uploadedAt
    }
  }
`);

export const AndonDetailQuery = graphql(`
  query AndonDetail($id: ID!) {
    andonEvent(id: $id) {
      ...AndonDetailFields
    }
  }
`);

export const StartAndonWorkMutation = graphql(`
  mutation StartAndonWork($andonId: ID!, $note: String) {
    startAndonWork(andonId: $andonId, note: $note) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationStartAndonWorkSuccess {
        data {
          ...AndonDetailFields
        }
      }
    }
  }
`);

export const ResolveAndonMutation = graphql(`
  mutation ResolveAndon($andonId: ID!, $rootCause: String!, $resolutionNote: String) {
    resolveAndon(andonId: $andonId, rootCause: $rootCause, resolutionNote: $resolutionNote) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationResolveAndonSuccess {
        data {
          ...AndonDetailFields
        }
      }
    }
  }
`);

export const CloseAndonMutation = graphql(`
  mutation CloseAndon($andonId: ID!, $note: String) {
    closeAndon(andonId: $andonId, note: $note) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationCloseAndonSuccess {
        data {
          ...AndonDetailFields
        }
      }
    }
  }
`);

export const ReopenAndonMutation = graphql(`
  mutation ReopenAndon($andonId: ID!, $note: String!) {
    reopenAndon(andonId: $andonId, note: $note) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationReopenAndonSuccess {
        data {
          ...AndonDetailFields
        }
      }
    }
  }
`);

export const EscalateAndonMutation = graphql(`
  mutation EscalateAndon($andonId: ID!, $level: Int!, $note: String!) {
    escalateAndon(andonId: $andonId, level: $level, note: $note) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationEscalateAndonSuccess {
        data {
          id
          currentLevel
        }
      }
    }
  }
`);

export const AttachAndonPhotoMutation = graphql(`
  mutation AttachAndonPhoto($andonId: ID!, $photo: AndonPhotoInput!) {
    attachAndonPhoto(andonId: $andonId, photo: $photo) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationAttachAndonPhotoSuccess {
        data {
          ...AndonDetailFields
        }
      }
    }
  }
`);
