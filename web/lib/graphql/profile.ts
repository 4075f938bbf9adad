// Documents of the profile screen: one's own notification preferences (channel on or off, from which
// priority, fallback order, quiet hours) read and replaced as a whole.
import { graphql } from "./generated";

export const NotificationPreferenceFieldsFragment = graphql(`
  fragment NotificationPreferenceFields on NotificationPreference {
    channel
    enabled
    minPriority
    rank
    quietFrom
    quietTo
    timeZone
  }
`);

export const MyNotificationPreferencesQuery = graphql(`
  query MyNotificationPreferences {
    myNotificationPreferences {
      ...NotificationPreferenceFields
    }
  }
`);

export const SetNotificationPreferencesMutation = graphql(`
  mutation SetNotificationPreferences($preferences: [NotificationPreferenceInput!]!) {
    setNotificationPreferences(preferences: $preferences) {
      __typename
      ... on ExpectedError {
        code
        message
      }
      ... on MutationSetNotificationPreferencesSuccess {
        data {
          ...NotificationPreferenceFields
        }
      }
    }
  }
`);
