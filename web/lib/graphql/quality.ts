// Documents of the inspector's screens and the operator's scrap entry: due checks per line with their
// plan's limits, recording and correcting measurements, signing a release check, the SPC chart with
// limits, zones, violations and capability, its live violations, the defect Pareto, holds and scrap.
import { graphql } from "./generated";

export const QualityCheckFieldsFragment = graphql(`
  fragment QualityCheckFields on QualityCheck {
    id
    status
    trigger
    dueAt
    overdueAt
    overdue
    signedAt
    plan {
      id
      name
      sampleSize
      requiresSignature
      characteristics {
        id
        name
        type
        unit
        nominal
        lowerSpec
        upperSpec
        decimals
        active
      }
    }
    measurements {
      id
      sampleIndex
      value
      conforming
      withinSpec
      characteristic {
        id
      }
    }
  }
`);

export const DueQualityChecksQuery = graphql(`
  query DueQualityChecks($lineId: ID!) {
    qualityChecks(lineId: $lineId, statuses: [DUE, IN_PROGRESS], first: 50) {
      ...QualityCheckFields
    }
  }
`);

export const QualityCheckDueSubscription = graphql(`
  subscription QualityCheckDue($lineId: ID) {
    qualityCheckDue(lineId: $lineId) {
      ...QualityCheckFields
    }
  }
`);

export const OpenQualityCheckMutation = graphql(`
  mutation OpenQualityCheck($planId: ID!, $lineId: ID) {
    openQualityCheck(planId: $planId, lineId: $lineId) {
      __typename
      ... on MutationOpenQualityCheckSuccess {
        data {
          ...QualityCheckFields
        }
      }
      ... on ExpectedError {
        code
        message
      }
    }
  }
`);

export const RecordMeasurementsMutation = graphql(`
  mutation RecordMeasurements($checkId: ID!, $measurements: [MeasurementInput!]!, $complete: Boolean) {
    recordMeasurements(checkId: $checkId, measurements: $measurements, complete: $complete) {
      __typename
      ... on MutationRecordMeasurementsSuccess {
        data {
          ...QualityCheckFields
        }
      }
      ... on ExpectedError {
        code
        message
      }
      ... on InputInvalid {
        field
      }
    }
  }
`);

export const CorrectMeasurementMutation = graphql(`
  mutation CorrectMeasurement($measurementId: ID!, $value: Float, $conforming: Boolean, $reason: String!) {
    correctMeasurement(measurementId: $measurementId, value: $value, conforming: $conforming, reason: $reason) {
      __typename
      ... on MutationCorrectMeasurementSuccess {
        data {
          id
          value
          conforming
          withinSpec
        }
      }
      ... on ExpectedError {
        code
        message
      }
    }
  }
`);

export const SignReleaseCheckMutation = graphql(`
  mutation SignReleaseCheck($checkId: ID!, $secret: String!, $meaning: String) {
    signReleaseCheck(checkId: $checkId, secret: $secret, meaning: $meaning) {
      __typename
      ... on MutationSignReleaseCheckSuccess {
        data {
          id
          status
          signedAt
        }
      }
      ... on ExpectedError {
        code
        message
      }
    }
  }
`);

export const SpcChartQuery = graphql(`
  query SpcChart($characteristicId: ID!, $last: Int) {
    spcChart(characteristicId: $characteristicId, last: $last) {
      chartType
      characteristic {
        id
        name
        unit
        decimals
        lowerSpec
        upperSpec
        spcRules
      }
      limits {
        centerLine
        upperControlLimit
        lowerControlLimit
        dispersionCenter
        dispersionUpper
        dispersionLower
        baselineFirst
        baselineLast
        frozenAt
      }
      points {
        sequence
        at
        source
        value
        centerLine
        upperControlLimit
        lowerControlLimit
        zone
        dispersionValue
        rules
      }
      violations {
        id
        rule
        description
        chart
        pointSequences
        detectedAt
      }
      capability {
        sampleCount
        mean
        sigmaWithin
        sigmaWithinMethod
        sigmaOverall
        cp
        cpk
        pp
        ppk
      }
    }
  }
`);

export const SpcViolationSubscription = graphql(`
  subscription SpcViolation($lineId: ID, $characteristicId: ID) {
    spcViolation(lineId: $lineId, characteristicId: $characteristicId) {
      id
      rule
      description
      chart
      sequence
      pointSequences
      detectedAt
      characteristic {
        id
        name
      }
    }
  }
`);

export const SpcSubgroupsAddedSubscription = graphql(`
  subscription SpcSubgroupsAdded($characteristicId: ID!) {
    spcSubgroupsAdded(characteristicId: $characteristicId) {
      characteristicId
      count
    }
  }
`);

export const DefectParetoQuery = graphql(`
  query DefectPareto($lineId: ID!, $from: DateTime!, $to: DateTime!) {
    defects(lineId: $lineId, from: $from, to: $to) {
      id
      quantity
      recordedAt
      defectCode {
        id
        code
        name
      }
    }
    defectCodes {
      id
      code
      name
      severity
      children {
        id
        code
        name
        severity
      }
    }
  }
`);

export const QualityHoldsQuery = graphql(`
  query QualityHolds($statuses: [QualityHoldStatus!]) {
    qualityHolds(statuses: $statuses) {
      id
      workOrderId
      reason
      status
      quantity
      placedAt
      disposition
      dispositionNote
      dispositionAt
      releasedAt
    }
  }
`);

export const DispositionQualityHoldMutation = graphql(`
  mutation DispositionQualityHold($holdId: ID!, $disposition: HoldDisposition!, $note: String) {
    dispositionQualityHold(holdId: $holdId, disposition: $disposition, note: $note) {
      __typename
      ... on MutationDispositionQualityHoldSuccess {
        data {
          id
          status
          disposition
        }
      }
      ... on ExpectedError {
        code
        message
      }
    }
  }
`);

export const RecordScrapMutation = graphql(`
  mutation RecordScrap($input: ScrapInput!) {
    recordScrap(input: $input) {
      __typename
      ... on MutationRecordScrapSuccess {
        data {
          id
          quantity
          madeAt
          plcCountedAsReject
        }
      }
      ... on ExpectedError {
        code
        message
      }
    }
  }
`);

export const LineInspectionPlansQuery = graphql(`
  query LineInspectionPlans($lineId: ID!) {
    inspectionPlans(lineId: $lineId, active: true) {
      id
      name
      sampleSize
      requiresSignature
      equipment {
        id
        name
      }
      characteristics {
        id
        name
        type
        unit
        chartType
        subgroupSize
        liveSignal
        active
      }
    }
  }
`);

export const LineDefectParetoQuery = graphql(`
  query LineDefectPareto($lineId: ID!, $from: DateTime!, $to: DateTime!) {
    line(id: $lineId) {
      id
      defectPareto(from: $from, to: $to) {
        quantity
        share
        cumulativeShare
        defectCode {
          id
          code
          name
          severity
        }
      }
    }
  }
`);

export const DefectRecordedSubscription = graphql(`
  subscription DefectRecorded($lineId: ID) {
    defectRecorded(lineId: $lineId) {
      id
      quantity
    }
  }
`);

export const DefectCodesQuery = graphql(`
  query DefectCodes {
    defectCodes {
      id
      code
      name
      children {
        id
        code
        name
      }
    }
  }
`);

export const PlaceQualityHoldMutation = graphql(`
  mutation PlaceQualityHold($workOrderId: ID!, $reason: String!, $quantity: Int) {
    placeQualityHold(workOrderId: $workOrderId, reason: $reason, quantity: $quantity) {
      __typename
      ... on MutationPlaceQualityHoldSuccess {
        data {
          id
          status
        }
      }
      ... on ExpectedError {
        code
        message
      }
    }
  }
`);

export const ReleaseQualityHoldMutation = graphql(`
  mutation ReleaseQualityHold($holdId: ID!) {
    releaseQualityHold(holdId: $holdId) {
      __typename
      ... on MutationReleaseQualityHoldSuccess {
        data {
          id
          status
        }
      }
      ... on ExpectedError {
        code
        message
      }
    }
  }
`);
