// Documents of the fault catalog: what each PLC fault bit of a machine means, the andon it raises and
// the downtime reason it suggests to the operator.
import { graphql } from "./generated";

export const FaultCatalogEntryFieldsFragment = graphql(`
  fragment FaultCatalogEntryFields on FaultCatalogEntry {
    id
    bitIndex
    faultCode
    text
    category
    andonType
    andonPriority
    active
    suggestedReason {
      id
      code
      name
    }
  }
`);

export const FaultCatalogEquipmentQuery = graphql(`
  query FaultCatalogEquipment {
    allEquipment(first: 100) {
      edges {
        node {
          id
          code
          name
          line {
            id
            name
          }
        }
      }
    }
  }
`);

export const FaultCatalogQuery = graphql(`
  query FaultCatalog($equipmentId: ID!) {
    faultCatalog(equipmentId: $equipmentId) {
      ...FaultCatalogEntryFields
    }
  }
`);

export const CreateFaultCatalogEntryMutation = graphql(`
  mutation CreateFaultCatalogEntry($input: FaultCatalogEntryInput!) {
    createFaultCatalogEntry(input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationCreateFaultCatalogEntrySuccess {
        data {
          ...FaultCatalogEntryFields
        }
      }
    }
  }
`);

export const UpdateFaultCatalogEntryMutation = graphql(`
  mutation UpdateFaultCatalogEntry($id: ID!, $input: FaultCatalogEntryChanges!) {
    updateFaultCatalogEntry(id: $id, input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationUpdateFaultCatalogEntrySuccess {
        data {
          ...FaultCatalogEntryFields
        }
      }
    }
  }
`);

export const SetFaultCatalogEntryActiveMutation = graphql(`
  mutation SetFaultCatalogEntryActive($id: ID!, $active: Boolean!) {
    setFaultCatalogEntryActive(id: $id, active: $active) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationSetFaultCatalogEntryActiveSuccess {
        data {
          ...FaultCatalogEntryFields
        }
      }
    }
  }
`);
