"use client";
import { useQuery } from "urql";
import { QueryError } from "@/components/query-error";
import { LineScheduleQuery } from "@/lib/graphql/manager";

export function LineSchedule({ lineId }: { lineId: string }) {
  const [result] = useQuery({ query: LineScheduleQuery, variables: { lineId } });
  const schedules = (result.data?.productionSchedules?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const orders = (result.data?.workOrders?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const when = (value?: string | null) => (value ? new Date(value).toLocaleString() : "–");
  return (
    <section className="panel" aria-labelledby="schedule-heading">
      <h2 id="schedule-heading">Schedules and work orders</h2>
      <QueryError error={result.error} />
      <ul>
        {schedules.length === 0 ? <li className="muted">{result.fetching ? "Loading…" : "No schedules."}</li> : null}
        {schedules.map((schedule) => (
          <li key={schedule.id}>
            {schedule.name} · {schedule.status} · {when(schedule.periodStart)} – {when(schedule.periodEnd)}
          </li>
        ))}
      </ul>
      <div style={{ overflowX: "auto" }}>
        <table data-testid="work-orders">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Product</th>
              <th scope="col">Status</th>
              <th scope="col">Good / planned</th>
              <th scope="col">Planned start</th>
            </tr>
          </thead>
          <tbody>
            {orders.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  No work orders.
                </td>
              </tr>
            ) : null}
            {orders.map((order) => (
              <tr key={order.id}>
                <td>{order.number}</td>
                <td>{order.productType?.name}</td>
                <td>{order.status}</td>
                <td>
                  {order.goodQuantity ?? 0} / {order.plannedQuantity}
                </td>
                <td>{when(order.plannedStart)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
