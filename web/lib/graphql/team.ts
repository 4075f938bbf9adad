// The team screen's certifications: granted, renewed and revoked by administrators (user:manage).
import { graphql } from "./generated";

export const EquipmentKindsQuery = graphql(`
  query EquipmentKinds {
    allEquipment(first: 100) {
      edges {
        node {
          id
          kind
        }
      }
    }
  }
`);

export const GrantCertificationMutation = graphql(`
  mutation GrantCertification($input: GrantCertificationInput!) {
    grantCertification(input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationGrantCertificationSuccess {
        data {
          id
        }
      }
    }
  }
`);

export const RenewCertificationMutation = graphql(`
  mutation RenewCertification($id: ID!, $input: UpdateCertificationInput!) {
    updateCertification(id: $id, input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationUpdateCertificationSuccess {
        data {
          id
          expiresAt
          expired
        }
      }
    }
  }
`);

export const RevokeCertificationMutation = graphql(`
  mutation RevokeCertification($id: ID!) {
    revokeCertification(id: $id) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationRevokeCertificationSuccess {
        data {
          id
        }
      }
    }
  }
`);
