// Documents of plant administration (sites, areas, lines, equipment) and of the read-only team list.
// Lists are flat, 50 at a time and equipment fetched per line: the gateway prices a list by the size
// asked for (a fragment's fields count again, so the line list spells its fields out), and 100 lines
// or machines at once is over its limit.
import { graphql } from "./generated";

export const PlantAdminLineFieldsFragment = graphql(`
  fragment PlantAdminLineFields on Line {
    id
    code
    name
    active
    microStopThresholdSeconds
    oeeTarget
    area {
      id
      name
    }
    site {
      id
      name
    }
  }
`);

export const PlantAdminEquipmentFieldsFragment = graphql(`
  fragment PlantAdminEquipmentFields on Equipment {
    id
    code
    name
    kind
    sequence
    isConstraint
    criticality
    targetSpeedPerMinute
    active
  }
`);

export const PlantAdminLinesQuery = graphql(`
  query PlantAdminLines($after: String) {
    sites(first: 20) {
      edges {
        node {
          id
          code
          name
          active
          areas {
            id
            code
            name
          }
        }
      }
    }
    lines(first: 50, after: $after) {
      edges {
        node {
          id
          code
          name
          active
          microStopThresholdSeconds
          oeeTarget
          area {
            id
            name
          }
          site {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const PlantAdminEquipmentQuery = graphql(`
  query PlantAdminEquipment($lineId: ID!) {
    allEquipment(first: 50, lineId: $lineId) {
      edges {
        node {
          ...PlantAdminEquipmentFields
        }
      }
    }
  }
`);

export const CreateLineMutation = graphql(`
  mutation CreateLine($input: CreateLineInput!) {
    createLine(input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationCreateLineSuccess {
        data {
          ...PlantAdminLineFields
        }
      }
    }
  }
`);

export const UpdateLineMutation = graphql(`
  mutation UpdateLine($id: ID!, $input: UpdateLineInput!) {
    updateLine(id: $id, input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationUpdateLineSuccess {
        data {
          ...PlantAdminLineFields
        }
      }
    }
  }
`);

export const DeactivateLineMutation = graphql(`
  mutation DeactivateLine($id: ID!) {
    deactivateLine(id: $id) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationDeactivateLineSuccess {
        data {
          ...PlantAdminLineFields
        }
      }
    }
  }
`);

export const CreateEquipmentMutation = graphql(`
  mutation CreateEquipment($input: CreateEquipmentInput!) {
    createEquipment(input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationCreateEquipmentSuccess {
        data {
          ...PlantAdminEquipmentFields
        }
      }
    }
  }
`);

export const UpdateEquipmentMutation = graphql(`
  mutation UpdateEquipment($id: ID!, $input: UpdateEquipmentInput!) {
    updateEquipment(id: $id, input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationUpdateEquipmentSuccess {
        data {
          ...PlantAdminEquipmentFields
        }
      }
    }
  }
`);

export const DeactivateEquipmentMutation = graphql(`
  mutation DeactivateEquipment($id: ID!) {
    deactivateEquipment(id: $id) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationDeactivateEquipmentSuccess {
        data {
          ...PlantAdminEquipmentFields
        }
      }
    }
  }
`);

// A fixed page of 50: with each person's certifications, a page the gateway prices at its largest
// (a variable first) would cost more than a query may.
export const TeamQuery = graphql(`
  query Team($after: String, $search: String, $role: Role) {
    users(first: 50, after: $after, search: $search, role: $role) {
      edges {
        node {
          id
          username
          employeeId
          name
          department
          roles
          active
          lastLoginAt
          certifications {
            id
            name
            issuedAt
            expiresAt
            expired
            equipmentKind
            equipment {
              id
              name
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
