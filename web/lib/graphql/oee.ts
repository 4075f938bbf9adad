// Documents of OEE: a line's buckets over a period (trend, production by hour) and the live figure
// of the current hour, plus units as they are counted.
import { graphql } from "./generated";

export const OeeFieldsFragment = graphql(`
  fragment OeeFields on OeeRecord {
    id
    bucketStart
    bucketEnd
    plannedProductionSeconds
    runSeconds
    idealCycleTimeSeconds
    totalCount
    goodCount
    rejectCount
    availability
    performance
    quality
    oee
  }
`);

export const OeeTrendQuery = graphql(`
  query OeeTrend($lineId: ID!, $bucket: OeeBucket!, $from: DateTime!, $to: DateTime!) {
    oeeTrend(lineId: $lineId, bucket: $bucket, from: $from, to: $to) {
      ...OeeFields
    }
  }
`);

export const OeeUpdatedSubscription = graphql(`
  subscription OeeUpdated($lineId: ID!) {
    oeeUpdated(lineId: $lineId) {
      ...OeeFields
    }
  }
`);

export const ProductionCountUpdatedSubscription = graphql(`
  subscription ProductionCountUpdated($lineId: ID!) {
    productionCountUpdated(lineId: $lineId) {
      lineId
      equipmentId
      good
      reject
      at
    }
  }
`);
