// Forward paging through a Relay connection: back to the first page, or on to the next.
export function Pager({
  after,
  pageInfo,
  onPage,
}: {
  /** The cursor the shown page starts after; null on the first page. */
  after: string | null;
  pageInfo: { hasNextPage?: boolean | null; endCursor?: string | null } | null | undefined;
  onPage: (after: string | null) => void;
}) {
  return (
    <div className="row">
      {after ? (
        <button type="button" onClick={() => onPage(null)}>
          First page
        </button>
      ) : null}
      {pageInfo?.hasNextPage ? (
        <button type="button" onClick={() => onPage(pageInfo.endCursor ?? null)}>
          Next page
        </button>
      ) : null}
    </div>
  );
}
