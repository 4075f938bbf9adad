// Reports screen and the analysis screen's OEE by shift or day: templates, runs (queued, followed
// live, downloaded through a signed link), schedules with their next fire times, oeeAnalytics.
import { graphql } from "./generated";

export const ReportRunFields = graphql(`
  fragment ReportRunFields on ReportRun {
    id
    status
    progress
    queuedAt
    startedAt
    finishedAt
    failureReason
    fileSizeBytes
    parameters
    template {
      id
      key
      name
    }
  }
`);

export const ReportsQuery = graphql(`
  query Reports {
    reportTemplates {
      id
      key
      name
      description
      active
    }
    reportRuns(last: 20) {
      ...ReportRunFields
    }
  }
`);

export const GenerateReportMutation = graphql(`
  mutation GenerateReport($input: GenerateReportInput!) {
    generateReport(input: $input) {
      ...ReportRunFields
    }
  }
`);

export const CancelReportRunMutation = graphql(`
  mutation CancelReportRun($id: ID!) {
    cancelReportRun(id: $id) {
      ...ReportRunFields
    }
  }
`);

export const ReportRunUpdatedSubscription = graphql(`
  subscription ReportRunUpdated($id: ID!) {
    reportRunUpdated(id: $id) {
      ...ReportRunFields
    }
  }
`);

export const ReportRunDownloadLinkQuery = graphql(`
  query ReportRunDownloadLink($id: ID!) {
    reportRunDownloadLink(id: $id) {
      path
      expiresAt
    }
  }
`);

export const ReportSchedulesQuery = graphql(`
  query ReportSchedules {
    reportSchedules {
      id
      name
      cron
      timezone
      recipients
      parameters
      active
      nextRunAt
      lastRunAt
      nextFireTimes(count: 5)
      template {
        id
        key
        name
      }
    }
  }
`);

export const ReportCronFireTimesQuery = graphql(`
  query ReportCronFireTimes($cron: String!, $timezone: String!) {
    reportCronFireTimes(cron: $cron, timezone: $timezone, count: 5)
  }
`);

export const CreateReportScheduleMutation = graphql(`
  mutation CreateReportSchedule($input: CreateReportScheduleInput!) {
    createReportSchedule(input: $input) {
      id
    }
  }
`);

export const UpdateReportScheduleMutation = graphql(`
  mutation UpdateReportSchedule($id: ID!, $input: UpdateReportScheduleInput!) {
    updateReportSchedule(id: $id, input: $input) {
      id
    }
  }
`);

export const OeeByPeriodQuery = graphql(`
  query OeeByPeriod($from: DateTime!, $to: DateTime!, $groupBy: [OeeGrouping!]!, $lineIds: [ID!], $after: String) {
    oeeAnalytics(from: $from, to: $to, groupBy: $groupBy, lineIds: $lineIds, first: 100, after: $after) {
      edges {
        cursor
        node {
          lineId
          shiftInstanceId
          shiftName
          day
          bucketCount
          figures {
            availability
            performance
            quality
            oee
            goodCount
            rejectCount
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
