// Attacks on live feeds: reading another person's feed through a shared upstream, opening unlimited
// upstreams, and keeping a feed after the right to it lapsed; and a subgraph restart that must not
// end anyone's feed.
import { issueApiKey } from "@ms5/kit/auth";
import { type CollectedSubscription, collectSubscription, waitUntil } from "@ms5/test-support";
import type { Client } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { type HostilePlant, openHostilePlant } from "./hostile-plant.ts";

const MY_NOTIFICATIONS = "subscription Mine { myNotifications { id title } }";
const MY_JOBS =
  "subscription MyJobs($lineId: ID!) { jobUpdated(lineId: $lineId, assignedToMe: true) { id title assigneeId } }";
const ANDONS_RAISED = "subscription Raised { andonRaised { id note } }";

type NotificationEvent = { myNotifications: { id: string; title: string } };

function idsOf(feed: CollectedSubscription<NotificationEvent>): string[] {
  return feed.events.map((event) => event.myNotifications.id);
}

/**
 * Sends until `delivered` holds: the upstream subscription starts a moment after the gateway admits
 * the client's, and what was published before it started is not replayed.
 */
async function sendUntil(send: () => Promise<void>, delivered: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    await send();
    if (
      await waitUntil(delivered, { what: what, timeoutMs: 500 }).then(
        () => true,
        () => false,
      )
    )
      return;
  }
  throw new Error(`never saw ${what}`);
}

/** The caps the plant runs with, small so the attacks reach them quickly. */
const CAPS = { maxSubscriptionsPerConnection: 4, maxSubscriptionsPerAccount: 6 };

/** The close code a feed's connection ended with (graphql-ws hands the close event to `error`). */
function closeCodeOf(feed: CollectedSubscription): number | undefined {
  const closed = feed.errors.find(
    (error): error is { code: number } => typeof (error as { code?: unknown })?.code === "number",
  );
  return closed?.code;
}

/** The `extensions.code` of the GraphQL errors a feed was refused or ended with. */
function errorCodesOf(feed: CollectedSubscription): string[] {
  return feed.errors.flatMap((error) =>
    Array.isArray(error)
      ? error.map((item) => String(item?.extensions?.code))
      : typeof (error as { extensions?: { code?: unknown } })?.extensions?.code === "string"
        ? [String((error as { extensions: { code: string } }).extensions.code)]
        : [],
  );
}

describe("attacks on live feeds", () => {
  let plant: HostilePlant;
  let lineId: string;
  const clients: Client[] = [];
  const connect = (token: string): Client => {
    const client = plant.wsClient({ authorization: `Bearer ${token}` });
    clients.push(client);
    return client;
  };
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${plant.origin}/metrics`)).text();
    const line = text.split("\n").find((entry) => entry.startsWith(`${name} `) || entry.startsWith(`${name}{`));
    return line ? Number(line.split(" ").at(-1)) : Number.NaN;
  };
  /** In-app notifications sent through the andon subgraph's dispatcher, by recipient. */
  const notifications = () => {
    const byUser = new Map<string, string[]>();
    return {
      async to(userId: string): Promise<string> {
        const [id] = await plant.notify([userId], `for ${userId}`);
        if (!id) throw new Error("the dispatcher made no notification");
        byUser.set(userId, [...(byUser.get(userId) ?? []), id]);
        return id;
      },
      of: (userId: string) => byUser.get(userId) ?? [],
    };
  };
  const raiseAndon = async (token: string, note: string) => {
    const answer = await plant.graphql<{ raiseAndon: { __typename: string } }>(
      "mutation ($input: RaiseAndonInput!) { raiseAndon(input: $input) { __typename } }",
      { token, variables: { input: { lineId, type: "HELP", priority: "LOW", note } } },
    );
    expect(answer.body.data?.raiseAndon.__typename).toBe("MutationRaiseAndonSuccess");
  };
  const assignJob = async (managerToken: string, assigneeId: string, title: string) => {
    const answer = await plant.graphql<{ assignJob: { __typename: string } }>(
      "mutation ($input: AssignJobInput!) { assignJob(input: $input) { __typename } }",
      { token: managerToken, variables: { input: { lineId, assigneeId, title } } },
    );
    expect(answer.body.data?.assignJob.__typename).toBe("MutationAssignJobSuccess");
  };

  beforeAll(async () => {
    plant = await openHostilePlant(inject("testRun"), {
      proxiedSubgraphs: true,
      subscriptions: { ...CAPS, accountCheckIntervalMs: 250 },
    });
    lineId = (await plant.prisma.line.findFirstOrThrow({ where: { active: true }, orderBy: { code: "asc" } })).id;
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.dispose();
    await waitUntil(() => plant.subscriptions.upstreamCount === 0, { what: "every upstream to end after the test" });
  });
  afterAll(async () => {
    await plant?.close();
  });

  it("two operators sending the same myNotifications document each receive only their own notifications", async () => {
    const [first, second] = await Promise.all([plant.userIdOf("operator"), plant.userIdOf("operator2")]);
    const mine = collectSubscription<NotificationEvent>(connect(await plant.tokenOf("operator")), MY_NOTIFICATIONS);
    const theirs = collectSubscription<NotificationEvent>(connect(await plant.tokenOf("operator2")), MY_NOTIFICATIONS);
    await waitUntil(() => plant.subscriptions.subscriberCount === 2, { what: "both subscriptions to start" });
    expect(plant.subscriptions.upstreamCount).toBe(2);

    const sent = notifications();
    await sendUntil(
      async () => {
        await sent.to(first);
        await sent.to(second);
      },
      () => mine.events.length > 0 && theirs.events.length > 0,
      "each operator's notification",
    );
    const last = await sent.to(first);
    await waitUntil(() => idsOf(mine).includes(last), { what: "the operator's last notification" });

    expect(idsOf(mine).every((id) => sent.of(first).includes(id))).toBe(true);
    expect(idsOf(theirs).every((id) => sent.of(second).includes(id))).toBe(true);
    expect(idsOf(theirs)).not.toContain(last);
    expect(mine.errors).toEqual([]);
    expect(theirs.errors).toEqual([]);
  });

  it("two operators sending the same jobUpdated(assignedToMe: true) document each receive only the jobs assigned to them", async () => {
    const manager = await plant.tokenOf("pmanager");
    const [first, second] = await Promise.all([plant.userIdOf("operator"), plant.userIdOf("operator2")]);
    type JobEvent = { jobUpdated: { id: string; title: string; assigneeId: string } };
    const mine = collectSubscription<JobEvent>(connect(await plant.tokenOf("operator")), MY_JOBS, { lineId });
    const theirs = collectSubscription<JobEvent>(connect(await plant.tokenOf("operator2")), MY_JOBS, { lineId });
    await waitUntil(() => plant.subscriptions.subscriberCount === 2, { what: "both subscriptions to start" });
    expect(plant.subscriptions.upstreamCount).toBe(2);

    await sendUntil(
      async () => {
        await assignJob(manager, first, "hostile job for operator");
        await assignJob(manager, second, "hostile job for operator2");
      },
      () => mine.events.length > 0 && theirs.events.length > 0,
      "each operator's job",
    );
    await assignJob(manager, first, "the last hostile job");
    await waitUntil(() => mine.events.some((event) => event.jobUpdated.title === "the last hostile job"), {
      what: "the operator's last job",
    });

    expect(mine.events.every((event) => event.jobUpdated.assigneeId === first)).toBe(true);
    expect(theirs.events.every((event) => event.jobUpdated.assigneeId === second)).toBe(true);
    expect(theirs.events.map((event) => event.jobUpdated.title)).not.toContain("the last hostile job");
    expect(mine.errors).toEqual([]);
    expect(theirs.errors).toEqual([]);
  });

  it("a fragment at the root, inline or named, cannot put one operator on another's notification feed", async () => {
    const [first, second] = await Promise.all([plant.userIdOf("operator"), plant.userIdOf("operator2")]);
    const named = "subscription Hidden { ...Feed } fragment Feed on Subscription { myNotifications { id title } }";
    const inline = "subscription Hidden { ... on Subscription { ... { myNotifications { id title } } } }";
    const firstToken = await plant.tokenOf("operator");
    const secondToken = await plant.tokenOf("operator2");
    const mineNamed = collectSubscription<NotificationEvent>(connect(firstToken), named);
    const theirsNamed = collectSubscription<NotificationEvent>(connect(secondToken), named);
    const mineInline = collectSubscription<NotificationEvent>(connect(firstToken), inline);
    const theirsInline = collectSubscription<NotificationEvent>(connect(secondToken), inline);
    await waitUntil(() => plant.subscriptions.subscriberCount === 4, { what: "the four subscriptions to start" });
    // One upstream per person and document: the second operator is never put on the first one's.
    expect(plant.subscriptions.upstreamCount).toBe(4);

    const sent = notifications();
    await sendUntil(
      async () => {
        await sent.to(first);
        await sent.to(second);
      },
      () => [mineNamed, theirsNamed, mineInline, theirsInline].every((feed) => feed.events.length > 0),
      "every feed's own notification",
    );

    for (const feed of [mineNamed, mineInline]) {
      expect(idsOf(feed).every((id) => sent.of(first).includes(id))).toBe(true);
    }
    for (const feed of [theirsNamed, theirsInline]) {
      expect(idsOf(feed).every((id) => sent.of(second).includes(id))).toBe(true);
    }
  });

  it("refuses variables an operation does not declare with BAD_USER_INPUT, opening no upstream for them", async () => {
    const client = connect(await plant.tokenOf("operator"));
    const refused = Array.from({ length: 20 }, (_, index) =>
      collectSubscription(client, "subscription On($lineId: ID!) { lineStatusChanged(lineId: $lineId) { id } }", {
        lineId,
        [`junk${index}`]: index,
      }),
    );
    await waitUntil(() => refused.every((feed) => feed.errors.length > 0), {
      what: "every subscription to be refused",
    });

    for (const feed of refused) {
      expect(errorCodesOf(feed)).toEqual(["BAD_USER_INPUT"]);
      expect(feed.events).toEqual([]);
    }
    expect(plant.subscriptions.upstreamCount).toBe(0);
    expect(plant.subscriptions.subscriberCount).toBe(0);
    expect(await metric("gateway_upstream_sockets")).toBe(0);
    expect(await metric("gateway_upstream_subscriptions")).toBe(0);
  });

  it("counts the upstream sockets a declared operation opens in /metrics, and closes them when it ends", async () => {
    const feed = collectSubscription(
      connect(await plant.tokenOf("operator")),
      "subscription On($lineId: ID!) { lineStatusChanged(lineId: $lineId) { id } }",
      { lineId },
    );
    await waitUntil(async () => (await metric("gateway_upstream_sockets")) === 1, { what: "one upstream socket" });
    feed.dispose();
    await waitUntil(async () => (await metric("gateway_upstream_sockets")) === 0, { what: "no upstream socket" });
  });

  it("refuses a subscription beyond the per-connection cap with TOO_MANY_SUBSCRIPTIONS and opens nothing for it", async () => {
    const client = connect(await plant.tokenOf("operator"));
    const lines = await plant.prisma.line.findMany({
      where: { active: true },
      take: CAPS.maxSubscriptionsPerConnection,
    });
    const ids = Array.from(
      { length: CAPS.maxSubscriptionsPerConnection },
      (_, index) => lines[index % lines.length]?.id,
    );
    const held = ids.map((id, index) =>
      collectSubscription(
        client,
        `subscription Held${index}($lineId: ID!) { lineStatusChanged(lineId: $lineId) { id } }`,
        {
          lineId: id,
        },
      ),
    );
    await waitUntil(() => plant.subscriptions.subscriberCount === CAPS.maxSubscriptionsPerConnection, {
      what: "the connection's subscriptions to start",
    });
    const upstreams = plant.subscriptions.upstreamCount;

    const beyond = collectSubscription(client, "subscription Beyond { andonRaised { id } }");
    await waitUntil(() => beyond.errors.length > 0, { what: "the subscription beyond the cap to be refused" });
    expect(errorCodesOf(beyond)).toEqual(["TOO_MANY_SUBSCRIPTIONS"]);
    expect(plant.subscriptions.upstreamCount).toBe(upstreams);
    expect(plant.subscriptions.subscriberCount).toBe(CAPS.maxSubscriptionsPerConnection);
    expect(held.every((feed) => feed.errors.length === 0)).toBe(true);

    // Ending one frees its place.
    held[0]?.dispose();
    await waitUntil(() => plant.subscriptions.subscriberCount === CAPS.maxSubscriptionsPerConnection - 1, {
      what: "the freed subscription to end",
    });
    const admitted = collectSubscription(client, "subscription Admitted { andonRaised { id } }");
    await waitUntil(() => plant.subscriptions.subscriberCount === CAPS.maxSubscriptionsPerConnection, {
      what: "the admitted subscription to start",
    });
    expect(admitted.errors).toEqual([]);
  });

  it("refuses a subscription beyond the per-account cap over several connections with TOO_MANY_SUBSCRIPTIONS", async () => {
    const token = await plant.tokenOf("operator2");
    const connections = [connect(token), connect(token), connect(token)];
    const held = Array.from({ length: CAPS.maxSubscriptionsPerAccount }, (_, index) =>
      collectSubscription(connections[index % 2] as Client, `subscription Held${index} { andonRaised { id } }`),
    );
    await waitUntil(() => plant.subscriptions.subscriberCount === CAPS.maxSubscriptionsPerAccount, {
      what: "the account's subscriptions to start",
    });
    const upstreams = plant.subscriptions.upstreamCount;

    const beyond = collectSubscription(connections[2] as Client, "subscription Beyond { andonRaised { id } }");
    await waitUntil(() => beyond.errors.length > 0, {
      what: "the subscription beyond the account's cap to be refused",
    });
    expect(errorCodesOf(beyond)).toEqual(["TOO_MANY_SUBSCRIPTIONS"]);
    expect(plant.subscriptions.upstreamCount).toBe(upstreams);
    expect(held.every((feed) => feed.errors.length === 0)).toBe(true);

    // Another person is not held back by this one's subscriptions.
    const other = collectSubscription(
      connect(await plant.tokenOf("operator")),
      "subscription Other { andonRaised { id } }",
    );
    await waitUntil(() => plant.subscriptions.subscriberCount === CAPS.maxSubscriptionsPerAccount + 1, {
      what: "another account's subscription to start",
    });
    expect(other.errors).toEqual([]);
  });

  it("ends a deactivated person's feed within seconds and refuses their token afterwards", async () => {
    const admin = await plant.tokenOf("admin");
    const technicianId = await plant.userIdOf("technician");
    const token = await plant.tokenOf("technician");
    const feed = collectSubscription<{ andonRaised: { id: string; note: string } }>(connect(token), ANDONS_RAISED);
    await waitUntil(() => plant.subscriptions.subscriberCount === 1, { what: "the feed to start" });

    const deactivated = await plant.graphql<{ deactivateUser: { __typename: string } }>(
      "mutation ($id: ID!) { deactivateUser(id: $id) { __typename } }",
      { token: admin, variables: { id: technicianId } },
    );
    expect(deactivated.body.data?.deactivateUser.__typename).toBe("MutationDeactivateUserSuccess");
    try {
      await waitUntil(() => closeCodeOf(feed) === 4403, {
        what: "the deactivated person's connection to close with 4403",
        timeoutMs: 5_000,
      });
      await raiseAndon(await plant.tokenOf("operator"), "after the deactivation");
      const again = collectSubscription(connect(token), ANDONS_RAISED);
      await waitUntil(() => again.errors.length > 0, { what: "the deactivated person's new connection to be refused" });

      expect(closeCodeOf(again)).toBe(4403);
      expect(again.events).toEqual([]);
      expect(feed.events.filter((event) => event.andonRaised.note === "after the deactivation")).toEqual([]);
      expect(plant.subscriptions.subscriberCount).toBe(0);
    } finally {
      await plant.prisma.user.update({ where: { id: technicianId }, data: { active: true } });
    }
  });

  it("ends a demoted person's connection within seconds; their old token, granting the lost role, opens no feed", async () => {
    const admin = await plant.tokenOf("admin");
    const managerId = await plant.userIdOf("smanager");
    const oldToken = await plant.tokenOf("smanager");
    const feed = collectSubscription(connect(oldToken), ANDONS_RAISED);
    await waitUntil(() => plant.subscriptions.subscriberCount === 1, { what: "the feed to start" });

    const demoted = await plant.graphql<{ setUserRoles: { __typename: string } }>(
      "mutation ($id: ID!) { setUserRoles(id: $id, roles: [OPERATOR]) { __typename } }",
      { token: admin, variables: { id: managerId } },
    );
    expect(demoted.body.data?.setUserRoles.__typename).toBe("MutationSetUserRolesSuccess");
    try {
      await waitUntil(() => closeCodeOf(feed) === 4401, {
        what: "the demoted person's connection to close with 4401",
        timeoutMs: 5_000,
      });
      const withOldToken = collectSubscription(connect(oldToken), ANDONS_RAISED);
      await waitUntil(() => withOldToken.errors.length > 0, { what: "the old token to be refused" });
      expect(closeCodeOf(withOldToken)).toBe(4401);
      expect(withOldToken.events).toEqual([]);

      // A token of the roles held now (as /auth/refresh would issue) is served, as an operator.
      const current = collectSubscription(connect(await plant.tokenOf("smanager")), ANDONS_RAISED);
      await waitUntil(() => plant.subscriptions.subscriberCount === 1, {
        what: "the feed of the current roles to start",
      });
      expect(current.errors).toEqual([]);
    } finally {
      await plant.prisma.user.update({ where: { id: managerId }, data: { roles: ["SHIFT_MANAGER"] } });
    }
  });

  it("ends the feed of an API key revoked while its connection is open, and refuses the key afterwards", async () => {
    const account = await plant.prisma.serviceAccount.create({ data: { name: "hostile-feed-integrator" } });
    const { key, apiKeyId } = await issueApiKey(plant.prisma, {
      serviceAccountId: account.id,
      scopes: ["andon:read", "plant:read"],
    });
    const feed = collectSubscription<{ andonRaised: { id: string; note: string } }>(connect(key), ANDONS_RAISED);
    await waitUntil(() => plant.subscriptions.subscriberCount === 1, { what: "the integrator's feed to start" });
    const keyBefore = await plant.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKeyId } });
    expect(keyBefore.revokedAt).toBeNull();

    const revoked = await plant.graphql<{ revokeApiKey: { __typename: string } }>(
      "mutation ($id: ID!) { revokeApiKey(id: $id) { __typename } }",
      { token: await plant.tokenOf("admin"), variables: { id: apiKeyId } },
    );
    expect(revoked.body.errors).toBeUndefined();
    await waitUntil(() => closeCodeOf(feed) === 4403, {
      what: "the revoked key's connection to close with 4403",
      timeoutMs: 5_000,
    });
    await raiseAndon(await plant.tokenOf("operator"), "after the revocation");
    const again = collectSubscription(connect(key), ANDONS_RAISED);
    await waitUntil(() => again.errors.length > 0, { what: "the revoked key's new connection to be refused" });

    expect(closeCodeOf(again)).toBe(4401);
    expect(again.events).toEqual([]);
    expect(feed.events.filter((event) => event.andonRaised.note === "after the revocation")).toEqual([]);
    expect(plant.subscriptions.subscriberCount).toBe(0);
    // The refusal changed nothing about the key: still revoked, same scopes, same account.
    const keyAfter = await plant.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKeyId } });
    expect({ ...keyAfter, revokedAt: null, lastUsedAt: null }).toEqual({
      ...keyBefore,
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(keyAfter.revokedAt).not.toBeNull();
  });

  it("ends a connection when its access token expires, refuses the expired token, and serves a fresh one", async () => {
    const expiring = await plant.tokenOf("inspector", undefined, { lifetimeSeconds: 2 });
    const feed = collectSubscription<{ andonRaised: { id: string; note: string } }>(connect(expiring), ANDONS_RAISED);
    await waitUntil(() => plant.subscriptions.subscriberCount === 1, { what: "the feed to start" });

    await waitUntil(() => closeCodeOf(feed) === 4401, {
      what: "the connection to close when the token expires",
      timeoutMs: 10_000,
    });
    const again = collectSubscription(connect(expiring), ANDONS_RAISED);
    await waitUntil(() => again.errors.length > 0, { what: "the expired token to be refused" });
    expect(closeCodeOf(again)).toBe(4401);
    await raiseAndon(await plant.tokenOf("operator"), "after the expiry");
    expect(feed.events.filter((event) => event.andonRaised.note === "after the expiry")).toEqual([]);

    const fresh = collectSubscription<{ andonRaised: { note: string } }>(
      connect(await plant.tokenOf("inspector")),
      ANDONS_RAISED,
    );
    await waitUntil(() => plant.subscriptions.subscriberCount === 1, { what: "the fresh token's feed to start" });
    const operator = await plant.tokenOf("operator");
    await sendUntil(
      () => raiseAndon(operator, "for the fresh token"),
      () => fresh.events.some((event) => event.andonRaised.note === "for the fresh token"),
      "the fresh token's event",
    );
  });

  it("keeps every subscriber's feed through an upstream reconnect, after the newest subscriber's token expired", async () => {
    const second = collectSubscription<{ andonRaised: { note: string } }>(
      connect(await plant.tokenOf("operator2")),
      ANDONS_RAISED,
    );
    await waitUntil(() => plant.subscriptions.subscriberCount === 1, { what: "the first feed to start" });
    // The newest subscriber's token lapses before the subgraph restarts: it must not be the one the
    // upstream reconnects with, or the subgraph's 4401 would end every feed.
    const expiring = collectSubscription<{ andonRaised: { note: string } }>(
      connect(await plant.tokenOf("operator", undefined, { lifetimeSeconds: 2 })),
      ANDONS_RAISED,
    );
    await waitUntil(() => plant.subscriptions.subscriberCount === 2, { what: "the second feed to start" });
    expect(plant.subscriptions.upstreamCount).toBe(1);
    await waitUntil(() => closeCodeOf(expiring) === 4401, {
      what: "the newest subscriber's token to expire",
      timeoutMs: 10_000,
    });

    const proxy = plant.subgraphProxies.andon;
    if (!proxy) throw new Error("the plant runs without proxies");
    await proxy.interrupt();
    await proxy.restore();
    const manager = await plant.tokenOf("pmanager");
    await sendUntil(
      () => raiseAndon(manager, "after the restart"),
      () => second.events.some((event) => event.andonRaised?.note === "after the restart"),
      "the andon raised after the restart",
    );
    // The person whose token lapsed comes back with a fresh one, as the web app does, and is fed too.
    const back = collectSubscription<{ andonRaised: { note: string } }>(
      connect(await plant.tokenOf("operator")),
      ANDONS_RAISED,
    );
    await waitUntil(() => plant.subscriptions.subscriberCount === 2, { what: "the returning subscriber to join" });
    await sendUntil(
      () => raiseAndon(manager, "after the return"),
      () => [second, back].every((feed) => feed.events.some((event) => event.andonRaised?.note === "after the return")),
      "the andon raised after the return on both feeds",
    );

    expect(plant.subscriptions.upstreamCount).toBe(1);
    for (const feed of [second, back]) {
      expect(feed.done).toBe(false);
      expect(errorCodesOf(feed)).toEqual([]);
    }
  });
});
