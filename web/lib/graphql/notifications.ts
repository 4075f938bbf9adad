// Documents of one's in-app notifications (the bell's unread count, the inbox a page at a time, marking
// read, the live feed of new ones) and of production alerts with their acknowledgement.
import { graphql } from "./generated";

export const NotificationFieldsFragment = graphql(`
  fragment NotificationFields on Notification {
    id
    channel
    status
    title
    body
    severity
    andonId
    alertId
    createdAt
    readAt
  }
`);

export const UnreadNotificationCountQuery = graphql(`
  query UnreadNotificationCount {
    myNotifications(first: 1, unreadOnly: true) {
      __typename
      ... on QueryMyNotificationsSuccess {
        data {
          unreadCount
        }
      }
    }
  }
`);

export const MyNotificationsQuery = graphql(`
  query MyNotifications($after: String, $unreadOnly: Boolean) {
    myNotifications(first: 25, after: $after, unreadOnly: $unreadOnly) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on QueryMyNotificationsSuccess {
        data {
          nodes {
            ...NotificationFields
          }
          endCursor
          hasNextPage
          unreadCount
        }
      }
    }
  }
`);

export const MyNotificationArrivedSubscription = graphql(`
  subscription MyNotificationArrived {
    myNotifications {
      ...NotificationFields
    }
  }
`);

export const MarkNotificationsReadMutation = graphql(`
  mutation MarkNotificationsRead($notificationIds: [ID!]!) {
    markNotificationsRead(notificationIds: $notificationIds) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationMarkNotificationsReadSuccess {
        data {
          ...NotificationFields
        }
      }
    }
  }
`);

export const MarkAllNotificationsReadMutation = graphql(`
  mutation MarkAllNotificationsRead {
    markAllNotificationsRead
  }
`);

export const ProductionAlertsQuery = graphql(`
  query ProductionAlerts($status: [AlertStatus!], $first: Int, $after: String) {
    productionAlertsConnection(status: $status, first: $first, after: $after) {
      edges {
        node {
          id
          kind
          status
          message
          threshold
          observedValue
          raisedAt
          acknowledgedAt
          clearedAt
          line {
            id
            name
          }
          equipment {
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

export const AcknowledgeProductionAlertMutation = graphql(`
  mutation AcknowledgeProductionAlert($alertId: ID!) {
    acknowledgeProductionAlert(alertId: $alertId) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationAcknowledgeProductionAlertSuccess {
        data {
          id
          status
          acknowledgedAt
        }
      }
    }
  }
`);
