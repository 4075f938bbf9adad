// The shift handover query and handover notes against a real database: open andons, untagged stops
// of the shift, unsigned checklists and notes in one query; notes refused when bad or unpermitted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GraphQLTestPlant,
  openGraphQLTestPlant,
  RESULT_SELECTION,
  tableFingerprint,
} from "../testing/graphql-test-plant.ts";

const HANDOVER = `query($l: ID!, $s: ID) { shiftHandover(lineId: $l, shiftInstanceId: $s) {
  line { code } shiftInstance { id }
  openAndons { id status priority equipment { code } }
  untaggedStops { id }
  unsignedChecklists { id status }
  notes { body authorName }
  notesFromPreviousShift { body }
} }`;

describe("shift handover", () => {
  let plant: GraphQLTestPlant;
  let lineId: string;
  let otherLineId: string;
  let baggerId: string;
  let shift: { id: string; startsAt: Date; endsAt: Date };
  let previous: { id: string };
  const minutesInto = (minutes: number) => new Date(shift.startsAt.getTime() + minutes * 60_000);

  beforeAll(async () => {
    plant = await openGraphQLTestPlant({ now: new Date("2026-11-25T10:00:00Z") });
    const bagger = await plant.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    baggerId = bagger.id;
    lineId = bagger.lineId;
    otherLineId = (await plant.prisma.line.findUniqueOrThrow({ where: { code: "loading-1" } })).id;
    const instances = await plant.prisma.shiftInstance.findMany({ orderBy: { startsAt: "asc" } });
    previous = instances[3]!;
    shift = instances[4]!;
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  it("brings open andons, untagged stops of the shift, unsigned checklists and both shifts' notes together", async () => {
    const reason = await plant.prisma.reasonCode.findFirstOrThrow({ where: { category: "UNPLANNED" } });
    const stop = (startMinute: number, minutes: number, extra: Record<string, unknown> = {}) =>
      plant.prisma.downtimeEvent.create({
        data: {
          equipmentId: baggerId,
          lineId,
          startedAt: minutesInto(startMinute),
          endedAt: minutesInto(startMinute + minutes),
          ...extra,
        },
      });
    const untagged = await stop(30, 10);
    await stop(60, 5, { reasonCodeId: reason.id, confirmedAt: minutesInto(70), confirmedById: plant.users.operator });
    await stop(90, 1, { isMicroStop: true });
    await stop(-120, 10);
    const open = await plant.prisma.andonEvent.create({
      data: { lineId, equipmentId: baggerId, type: "MAINTENANCE", priority: "HIGH", raisedAt: minutesInto(20) },
    });
    await plant.prisma.andonEvent.create({
      data: {
        lineId,
        type: "QUALITY",
        priority: "LOW",
        status: "RESOLVED",
        acknowledgedAt: minutesInto(5),
        resolvedAt: minutesInto(15),
      },
    });
    await plant.prisma.andonEvent.create({ data: { lineId: otherLineId, type: "MATERIAL", priority: "MEDIUM" } });
    const template = await plant.prisma.checklistTemplate.findFirstOrThrow({ where: { equipmentId: baggerId } });
    const unsigned = await plant.prisma.checklistCompletion.create({
      data: {
        templateId: template.id,
        templateVersion: template.version,
        equipmentId: baggerId,
        startedAt: minutesInto(5),
      },
    });

    const write = `mutation($l: ID!, $s: ID, $b: String!) { writeHandoverNote(lineId: $l, shiftInstanceId: $s, body: $b) {
      ${RESULT_SELECTION} ... on MutationWriteHandoverNoteSuccess { data { id body } } } }`;
    const operator = plant.as("operator", ["OPERATOR"]);
    await plant.run(operator, write, { l: lineId, s: previous.id, b: "Film roll low on Bagger 1" });
    const written = await plant.run(operator, write, {
      l: lineId,
      s: shift.id,
      b: "  Jaw heater swapped, watch temperature  ",
    });
    expect(written.data!.writeHandoverNote.data.body).toBe("Jaw heater swapped, watch temperature");

    const result = await plant.run(plant.as("smanager", ["SHIFT_MANAGER"]), HANDOVER, { l: lineId, s: shift.id });
    expect(result.errors).toBeUndefined();
    expect(result.data!.shiftHandover).toEqual({
      line: { code: "bagging-1" },
      shiftInstance: { id: shift.id },
      openAndons: [{ id: open.id, status: "OPEN", priority: "HIGH", equipment: { code: "BAGGER-1" } }],
      untaggedStops: [{ id: untagged.id }],
      unsignedChecklists: [{ id: unsigned.id, status: "IN_PROGRESS" }],
      notes: [{ body: "Jaw heater swapped, watch temperature", authorName: expect.any(String) }],
      notesFromPreviousShift: [{ body: "Film roll low on Bagger 1" }],
    });
    expect(result.data!.shiftHandover.notes[0].authorName.length).toBeGreaterThan(0);
    expect(await plant.prisma.auditLog.count({ where: { action: "handover-note.write" } })).toBe(2);
  });

  it("refuses a blank or overlong note, an unknown line or shift, and callers without handover:write; nothing is written", async () => {
    const before = await tableFingerprint(plant.prisma, ["shift_handover_note"]);
    const write = `mutation($l: ID!, $s: ID, $b: String!) { writeHandoverNote(lineId: $l, shiftInstanceId: $s, body: $b) { ${RESULT_SELECTION} } }`;
    const operator = plant.as("operator", ["OPERATOR"]);
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [
        { l: lineId, s: shift.id, b: "   " },
        { __typename: "InputInvalid", field: "body" },
      ],
      [
        { l: lineId, s: shift.id, b: "x".repeat(4_001) },
        { __typename: "InputInvalid", field: "body" },
      ],
      [
        { l: "00000000-0000-4000-8000-000000000009", s: shift.id, b: "hi" },
        { __typename: "NotFound", entity: "line" },
      ],
      [
        { l: lineId, s: "00000000-0000-4000-8000-000000000009", b: "hi" },
        { __typename: "NotFound", entity: "shift instance" },
      ],
    ];
    for (const [variables, expected] of cases) {
      const result = await plant.run(operator, write, variables);
      expect(result.data!.writeHandoverNote).toMatchObject(expected);
    }
    const viewer = await plant.run(plant.as("viewer", ["VIEWER"]), write, { l: lineId, s: shift.id, b: "hi" });
    expect(viewer.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(await tableFingerprint(plant.prisma, ["shift_handover_note"])).toBe(before);

    const unknownShift = await plant.run(plant.as("viewer", ["VIEWER"]), HANDOVER, {
      l: lineId,
      s: "00000000-0000-4000-8000-000000000009",
    });
    expect(unknownShift.errors?.[0]?.extensions.code).toBe("NOT_FOUND");
  });

  it("shows the andons only to callers who may read andons", async () => {
    const result = await plant.run(
      { kind: "service", serviceAccountId: "00000000-0000-4000-8000-00000000000a", scopes: ["plant:read"] },
      `query($l: ID!, $s: ID) { shiftHandover(lineId: $l, shiftInstanceId: $s) { shiftInstance { id } openAndons { id } } }`,
      { l: lineId, s: shift.id },
    );
    expect(result.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(result.errors?.[0]).toMatchObject({ path: ["shiftHandover", "openAndons"] });
  });
});
