// Attacks from inside the network, between the gateway and a subgraph: a captured, correctly signed
// request replayed, and requests that never passed the gateway.
import { signGatewayRequest } from "@ms5/kit/subgraph";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HOSTILE_GATEWAY_SECRET, type HostilePlant, openHostilePlant } from "./hostile-plant.ts";

const RAISE = `mutation Raise($input: RaiseAndonInput!) {
  raiseAndon(input: $input) { __typename ... on MutationRaiseAndonSuccess { data { id } } }
}`;

describe("attacks on the gateway-to-subgraph hop", () => {
  let plant: HostilePlant;
  let operator: string;
  let lineId: string;

  beforeAll(async () => {
    plant = await openHostilePlant(inject("testRun"));
    operator = await plant.tokenOf("operator");
    lineId = (await plant.prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } })).id;
  });
  afterAll(async () => {
    await plant?.close();
  });

  /** Sends exactly these bytes and headers to the andon subgraph, as a captured request would be re-sent. */
  async function sendToAndon(body: string, headers: Record<string, string>) {
    const response = await fetch(plant.subgraphUrls.andon!, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it("refuses a captured, correctly signed raiseAndon replayed within the signature's window, raising nothing twice", async () => {
    const body = JSON.stringify({
      query: RAISE,
      variables: { input: { lineId, type: "HELP", priority: "LOW", note: "replay target" } },
    });
    const authorization = `Bearer ${operator}`;
    const captured = { authorization, ...signGatewayRequest({ secret: HOSTILE_GATEWAY_SECRET, body, authorization }) };
    const first = await sendToAndon(body, captured);
    expect(first.status).toBe(200);
    const before = await plant.prisma.andonEvent.count({ where: { note: "replay target" } });
    expect(before).toBe(1);

    const replay = await sendToAndon(body, captured);
    expect(replay.status).toBe(401);
    expect(JSON.stringify(replay.body)).toContain("signature-replayed");
    expect(await plant.prisma.andonEvent.count({ where: { note: "replay target" } })).toBe(before);
  });

  it("refuses a request that never passed the gateway, whatever token it carries", async () => {
    const body = JSON.stringify({
      query: RAISE,
      variables: { input: { lineId, type: "HELP", priority: "LOW", note: "unsigned" } },
    });
    const answer = await sendToAndon(body, { authorization: `Bearer ${operator}` });
    expect(answer.status).toBe(401);
    expect(await plant.prisma.andonEvent.count({ where: { note: "unsigned" } })).toBe(0);
  });
});
