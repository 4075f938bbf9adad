// Who may share a live feed: the subgraph that owns a field says whether its results are the same
// for every caller with the same permissions (@plantWide) or depend on who asks (@perViewer). The
// directives are composed into the supergraph (@composeDirective), where the gateway reads them to
// decide which subscribers may share one upstream subscription.
import { DirectiveLocation, GraphQLDirective, GraphQLString } from "graphql";

/** The spec the subgraphs @link the live-feed directives from; its version is the directives' contract. */
export const LIVE_FEED_SPEC_URL = "https://ms5.floor/live-feed/v1.0";

/** `Subscription.<field>` whose events are the same for every caller holding the same permissions. */
export const PLANT_WIDE_DIRECTIVE_NAME = "plantWide";

/** A field (root or nested) whose result depends on the caller, not only on their permissions. */
export const PER_VIEWER_DIRECTIVE_NAME = "perViewer";

export const LIVE_FEED_DIRECTIVES: readonly GraphQLDirective[] = [
  new GraphQLDirective({
    name: PLANT_WIDE_DIRECTIVE_NAME,
    description:
      "The events of this subscription field are the same for every caller with the same permissions: the gateway may feed them all from one upstream subscription.",
    locations: [DirectiveLocation.FIELD_DEFINITION],
  }),
  new GraphQLDirective({
    name: PER_VIEWER_DIRECTIVE_NAME,
    description:
      "The result of this field depends on who asks: the gateway shares its upstream subscription only among connections of the same caller.",
    args: {
      when: {
        type: GraphQLString,
        description:
          "A Boolean argument of the field: the result depends on who asks only when it is true (otherwise the field is plant-wide).",
      },
    },
    locations: [DirectiveLocation.FIELD_DEFINITION],
  }),
];

/** Field options of a subscription field every caller with the same permissions may share: `directives: PLANT_WIDE_FEED`. */
export const PLANT_WIDE_FEED = Object.freeze({ [PLANT_WIDE_DIRECTIVE_NAME]: {} }) as {
  plantWide: Record<string, never>;
};

/** Field options of a field whose result depends on the caller (only when the Boolean argument `when` is true, if given). */
export function perViewer(when?: string): { perViewer: { when?: string } } {
  return { [PER_VIEWER_DIRECTIVE_NAME]: when === undefined ? {} : { when } } as { perViewer: { when?: string } };
}

/** The toSubGraphSchema options that define, link and compose the live-feed directives. */
export const LIVE_FEED_SUBGRAPH_OPTIONS = {
  directives: [...LIVE_FEED_DIRECTIVES],
  composeDirectives: [`@${PLANT_WIDE_DIRECTIVE_NAME}`, `@${PER_VIEWER_DIRECTIVE_NAME}`] as `@${string}`[],
  extensions: {
    directives: [
      {
        name: "link",
        args: { url: LIVE_FEED_SPEC_URL, import: [`@${PLANT_WIDE_DIRECTIVE_NAME}`, `@${PER_VIEWER_DIRECTIVE_NAME}`] },
      },
    ],
  },
};
