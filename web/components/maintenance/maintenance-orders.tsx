"use client";
// Engineer / technician > Maintenance work orders: the unfinished ones (or a chosen status), their
// status steps, and the way to one order's detail, a new order and MTBF/MTTR.
import Link from "next/link";
import { useState } from "react";
import { useQuery } from "urql";
import { DataTable } from "@/components/data/data-table";
import { STATUSES, Steps } from "@/components/maintenance/steps";
import { Pager } from "@/components/pager";
import { QueryError } from "@/components/query-error";
import type { MaintenanceStatus } from "@/lib/graphql/generated/graphql";
import { MaintenanceWorkOrdersQuery } from "@/lib/graphql/maintenance";
import { useSession } from "@/lib/react/stores";

export function MaintenanceOrders() {
  const session = useSession();
  const canManage = session.status === "signed-in" && session.session.permissions.has("maintenance:manage");
  const [status, setStatus] = useState<MaintenanceStatus | "">("");
  const [after, setAfter] = useState<string | null>(null);
  const [result, refetch] = useQuery({
    query: MaintenanceWorkOrdersQuery,
    variables: { status: status ? [status] : null, after },
    requestPolicy: "cache-and-network",
  });
  const connection = result.data?.maintenanceWorkOrdersConnection;
  const orders = connection?.edges?.flatMap((edge) => (edge?.node ? [edge.node] : [])) ?? [];
  return (
    <>
      <div className="row spread">
        <h1>Maintenance work orders</h1>
        <div className="row">
          {canManage ? (
            <Link className="button primary" href="/maintenance/new">
              New work order
            </Link>
          ) : null}
          <Link className="button" href="/maintenance/reliability">
            MTBF / MTTR
          </Link>
          <label htmlFor="mwo-status" style={{ margin: 0 }}>
            Status
          </label>
          <select
            id="mwo-status"
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as MaintenanceStatus | "");
              setAfter(null);
            }}
          >
            <option value="">Unfinished</option>
            {STATUSES.map((item) => (
              <option key={item} value={item}>
                {item}
              </option>
            ))}
          </select>
        </div>
      </div>
      <QueryError error={result.error} />
      <DataTable
        panel
        testId="maintenance-orders"
        rows={orders}
        rowKey={(order) => order.id!}
        rowProps={(order) => ({ "data-testid": "maintenance-order", "data-status": order.status ?? undefined })}
        loading={result.fetching}
        empty="No work orders."
        columns={[
          {
            header: "Order",
            cell: (order) => (
              <>
                <Link className="button" href={`/maintenance/${order.id}`}>
                  {order.number}
                  <span className="visually-hidden">: {order.title}</span>
                </Link>{" "}
                {order.title}
                <div className="muted">
                  {order.type} · opened {order.createdAt ? new Date(order.createdAt).toLocaleString() : ""}
                </div>
              </>
            ),
          },
          { header: "Equipment", cell: (order) => order.equipment?.name },
          { header: "Priority", cell: (order) => order.priority },
          {
            header: "Status",
            cell: (order) => (
              <>
                {order.status}
                {order.failureCause ? <div className="muted">{order.failureCause}</div> : null}
              </>
            ),
          },
          {
            header: "Steps",
            cell: (order) => <Steps order={order} onChanged={() => refetch({ requestPolicy: "network-only" })} />,
          },
        ]}
      />
      <Pager after={after} pageInfo={connection?.pageInfo} onPage={setAfter} />
    </>
  );
}
