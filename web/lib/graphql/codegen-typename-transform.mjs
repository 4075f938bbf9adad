// A codegen document transform: the stored (persisted) documents ask for `__typename` on every
// object below the operation root, as urql's own formatDocument does. The app sends only a document's
// hash, so the server runs the stored text; without these typenames a mutation's result names no
// entity type and urql's document cache invalidates no query that shows it (the bell's unread count
// kept its value after a mark-read).
import { Kind, visit } from "graphql";

export const transform = ({ documents }) =>
  documents.map((source) => ({
    ...source,
    document: source.document
      ? visit(source.document, {
          SelectionSet(node, _key, parent) {
            if (parent && !Array.isArray(parent) && parent.kind === Kind.OPERATION_DEFINITION) return undefined;
            if (
              node.selections.some(
                (selection) => selection.kind === Kind.FIELD && selection.name.value === "__typename",
              )
            ) {
              return undefined;
            }
            return {
              ...node,
              selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: "__typename" } }, ...node.selections],
            };
          },
        })
      : undefined,
  }));
