// Documents of user administration: people and their roles, one-time secrets, service accounts with
// their API keys, and the audit log. Secrets come back once, in the mutation's answer, never again.
import { graphql } from "./generated";

export const AdminUserFieldsFragment = graphql(`
  fragment AdminUserFields on User {
    id
    username
    employeeId
    name
    email
    department
    roles
    active
    hasPin
    mustChangePassword
    lockedUntil
    lastLoginAt
  }
`);

export const UsersQuery = graphql(`
  query Users($first: Int, $after: String, $search: String, $role: Role, $active: Boolean) {
    users(first: $first, after: $after, search: $search, role: $role, active: $active) {
      edges {
        node {
          ...AdminUserFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const CreateUserMutation = graphql(`
  mutation CreateUser($input: NewUserInput!) {
    createUser(input: $input) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationCreateUserSuccess {
        data {
          temporaryPassword
          temporaryPin
          user {
            ...AdminUserFields
          }
        }
      }
    }
  }
`);

export const SetUserRolesMutation = graphql(`
  mutation SetUserRoles($id: ID!, $roles: [Role!]!) {
    setUserRoles(id: $id, roles: $roles) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationSetUserRolesSuccess {
        data {
          ...AdminUserFields
        }
      }
    }
  }
`);

export const DeactivateUserMutation = graphql(`
  mutation DeactivateUser($id: ID!, $reason: String) {
    deactivateUser(id: $id, reason: $reason) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationDeactivateUserSuccess {
        data {
          ...AdminUserFields
        }
      }
    }
  }
`);

export const ReactivateUserMutation = graphql(`
  mutation ReactivateUser($id: ID!) {
    reactivateUser(id: $id) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationReactivateUserSuccess {
        data {
          ...AdminUserFields
        }
      }
    }
  }
`);

export const ResetUserPasswordMutation = graphql(`
  mutation ResetUserPassword($id: ID!) {
    resetUserPassword(id: $id) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationResetUserPasswordSuccess {
        data {
          temporaryPassword
          temporaryPin
          user {
            ...AdminUserFields
          }
        }
      }
    }
  }
`);

export const ResetUserPinMutation = graphql(`
  mutation ResetUserPin($id: ID!) {
    resetUserPin(id: $id) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationResetUserPinSuccess {
        data {
          temporaryPassword
          temporaryPin
          user {
            ...AdminUserFields
          }
        }
      }
    }
  }
`);

export const UnlockUserMutation = graphql(`
  mutation UnlockUser($id: ID!) {
    unlockUser(id: $id) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationUnlockUserSuccess {
        data {
          ...AdminUserFields
        }
      }
    }
  }
`);

export const ServiceAccountsQuery = graphql(`
  query ServiceAccounts {
    serviceAccounts {
      id
      name
      description
      active
      createdAt
      apiKeys {
        id
        prefix
        scopes
        status
        createdAt
        expiresAt
        lastUsedAt
      }
    }
  }
`);

export const CreateServiceAccountMutation = graphql(`
  mutation CreateServiceAccount($name: String!, $description: String) {
    createServiceAccount(name: $name, description: $description) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationCreateServiceAccountSuccess {
        data {
          id
          name
        }
      }
    }
  }
`);

export const IssueApiKeyMutation = graphql(`
  mutation IssueApiKey($serviceAccountId: ID!, $scopes: [String!]!, $expiresAt: DateTime) {
    issueApiKey(serviceAccountId: $serviceAccountId, scopes: $scopes, expiresAt: $expiresAt) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationIssueApiKeySuccess {
        data {
          key
          apiKey {
            id
            prefix
          }
        }
      }
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationRevokeApiKeySuccess {
        data {
          id
          status
        }
      }
    }
  }
`);

export const AuditLogQuery = graphql(`
  query AuditLog($first: Int, $after: String, $entityType: String) {
    auditLog(first: $first, after: $after, entityType: $entityType) {
      edges {
        node {
          id
          at
          action
          entityType
          entityId
          actorUserId
          actorServiceAccountId
          afterJson
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
