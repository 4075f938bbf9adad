// Documents of Admin > PLCs and tag maps: the PLCs the bridge polls with the equipment read from each
// (its link state from the equipment's live state), their tag maps, the edits (plant:manage) and the
// bridge's answers to a connection test or a symbol browse. Refusals ask for InputInvalid's field so
// the screen can put the message beside the input at fault.
import { graphql } from "./generated";

export const PlcAdminPlcFieldsFragment = graphql(`
  fragment PlcAdminPlcFields on Plc {
    id
    name
    driver
    host
    port
    slot
    timeoutMs
    connected
    model
    site {
      id
    }
    scanGroups {
      scanMs
      tagCount
    }
    equipment {
      id
      code
      name
      plcTagPrefix
      tagMap {
        id
      }
      liveState {
        commsOk
      }
    }
  }
`);

export const PlcAdminTagMapFieldsFragment = graphql(`
  fragment PlcAdminTagMapFields on TagMap {
    id
    name
    driver
    version
    bindings {
      signal
      canonical
      address
      type
      length
      scanMs
      deadband
      heartbeatMs
    }
  }
`);

export const PlcAdminQuery = graphql(`
  query PlcAdmin {
    plcs {
      ...PlcAdminPlcFields
    }
    tagMaps {
      ...PlcAdminTagMapFields
    }
    sites(first: 20) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

export const CreatePlcMutation = graphql(`
  mutation CreatePlc($input: CreatePlcInput!) {
    createPlc(input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on InputInvalid {
        field
      }
      ... on DuplicateKey {
        field
      }
      ... on MutationCreatePlcSuccess {
        data {
          ...PlcAdminPlcFields
        }
      }
    }
  }
`);

export const UpdatePlcMutation = graphql(`
  mutation UpdatePlc($id: ID!, $input: UpdatePlcInput!) {
    updatePlc(id: $id, input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on InputInvalid {
        field
      }
      ... on DuplicateKey {
        field
      }
      ... on MutationUpdatePlcSuccess {
        data {
          ...PlcAdminPlcFields
        }
      }
    }
  }
`);

export const DeletePlcMutation = graphql(`
  mutation DeletePlc($id: ID!) {
    deletePlc(id: $id) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationDeletePlcSuccess {
        data {
          id
        }
      }
    }
  }
`);

export const SetTagBindingMutation = graphql(`
  mutation SetTagBinding($tagMapId: ID!, $binding: TagBindingInput!) {
    setTagBinding(tagMapId: $tagMapId, binding: $binding) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on InputInvalid {
        field
      }
      ... on MutationSetTagBindingSuccess {
        data {
          ...PlcAdminTagMapFields
        }
      }
    }
  }
`);

export const RemoveTagBindingMutation = graphql(`
  mutation RemoveTagBinding($tagMapId: ID!, $signal: String!) {
    removeTagBinding(tagMapId: $tagMapId, signal: $signal) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationRemoveTagBindingSuccess {
        data {
          ...PlcAdminTagMapFields
        }
      }
    }
  }
`);

export const TestPlcConnectionMutation = graphql(`
  mutation TestPlcConnection($plcId: ID!) {
    testPlcConnection(plcId: $plcId) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationTestPlcConnectionSuccess {
        data {
          ok
          error
          ms
          identity {
            productName
            vendorId
            deviceType
            productCode
            revision
            serialNumber
          }
          tags {
            address
            signal
            equipmentCode
            ok
            value
            error
          }
        }
      }
    }
  }
`);

export const BrowsePlcSymbolsMutation = graphql(`
  mutation BrowsePlcSymbols($plcId: ID!) {
    browsePlcSymbols(plcId: $plcId) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationBrowsePlcSymbolsSuccess {
        data {
          error
          symbols {
            name
            program
            address
            type
            structure
            arrayDims
          }
        }
      }
    }
  }
`);
