// Documents of the plant and its live state: every line with its equipment, for the overview and
// the equipment status screens, and the live feed of one line's equipment.
import { graphql } from "./generated";

// Split in two because the gateway's cost limit prices each nesting level: the line list is
// shallow, and each line's equipment is asked for on its own (a plant has a handful of lines).
export const LinesOverviewQuery = graphql(`
  query LinesOverview {
    lines(first: 50, activeOnly: true) {
      edges {
        node {
          id
          code
          name
          oeeTarget
          liveState {
            state
            since
          }
        }
      }
    }
  }
`);

export const LineEquipmentQuery = graphql(`
  query LineEquipment($lineId: ID!) {
    line(id: $lineId) {
      id
      equipment {
        id
        code
        name
        kind
        isConstraint
        targetSpeedPerMinute
        liveState {
          state
          since
          speedPerMinute
          commsOk
          activeFaultCodes
          lastSampleAt
        }
      }
    }
  }
`);

export const LineStatusChangedSubscription = graphql(`
  subscription LineStatusChanged($lineId: ID!) {
    lineStatusChanged(lineId: $lineId) {
      id
      liveState {
        state
        since
      }
    }
  }
`);

export const EquipmentStatusChangedSubscription = graphql(`
  subscription EquipmentStatusChanged($lineId: ID!) {
    equipmentStatusChanged(lineId: $lineId) {
      id
      liveState {
        state
        since
        speedPerMinute
        commsOk
        activeFaultCodes
        lastSampleAt
      }
    }
  }
`);

export const ReasonCodesQuery = graphql(`
  query ReasonCodes {
    reasonCodes {
      id
      code
      name
      category
      children {
        id
        code
        name
        category
        children {
          id
          code
          name
          category
        }
      }
    }
  }
`);
