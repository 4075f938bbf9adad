// Checks at the line through the API, as the gateway calls it: recording judged against spec limits
// at once, completion into PASSED/FAILED with the chart subgroup formed, corrections that supersede
// with audit, signed release checks, and bad input refused with a typed error that changes nothing.

import { testRedisPrefix } from "@ms5/kit/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { QualitySubgraph } from "../quality-subgraph.ts";
import {
  callSubgraph,
  openQualityTestPlant,
  type QualityTestPlant,
  startQualityTestSubgraph,
} from "../testing/quality-test-plant.ts";
import { qualitySigningKeysOf } from "./release-check-signatures.ts";

const OPEN = `mutation ($planId: ID!) { openQualityCheck(planId: $planId) {
  __typename ... on MutationOpenQualityCheckSuccess { data { id status } } ... on ExpectedError { code message } } }`;
const RECORD = `mutation ($checkId: ID!, $measurements: [MeasurementInput!]!, $complete: Boolean) {
  recordMeasurements(checkId: $checkId, measurements: $measurements, complete: $complete) {
    __typename
    ... on MutationRecordMeasurementsSuccess { data { id status measurements { id sampleIndex value withinSpec conforming } } }
    ... on ExpectedError { code message }
    ... on InputInvalid { field } } }`;
const CORRECT = `mutation ($id: ID!, $value: Float, $reason: String!) { correctMeasurement(measurementId: $id, value: $value, reason: $reason) {
  __typename ... on MutationCorrectMeasurementSuccess { data { id value withinSpec } } ... on ExpectedError { code message } } }`;
const CHANGE = `mutation ($input: CharacteristicChangeInput!) { changeQualityCharacteristic(input: $input) {
  __typename ... on MutationChangeQualityCharacteristicSuccess { data { id lowerSpec upperSpec } }
  ... on ExpectedError { code message } ... on InputInvalid { field } } }`;
const VERIFY = `query ($checkId: ID!) { verifyReleaseCheckSignature(checkId: $checkId) {
  __typename ... on QueryVerifyReleaseCheckSignatureSuccess { data { status keyId signerId } } } }`;
const SIGN = `mutation ($checkId: ID!, $secret: String!) { signReleaseCheck(checkId: $checkId, secret: $secret) {
  __typename ... on MutationSignReleaseCheckSuccess { data { id status signedAt signatureHash } } ... on ExpectedError { code message } } }`;

type Result = { __typename: string; code?: string; field?: string; data?: Record<string, unknown> & { id: string } };

describe("quality checks through the API", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}quality-checks:`;
  let plant: QualityTestPlant;
  let subgraph: QualitySubgraph;
  let inspector: string;
  let operator: string;
  let plan: { id: string; characteristics: { id: string; name: string }[] };
  let releasePlan: { id: string; characteristics: { id: string; name: string }[] };

  beforeAll(async () => {
    plant = await openQualityTestPlant(run, new Date());
    subgraph = await startQualityTestSubgraph(plant, { keyPrefix });
    inspector = await plant.tokenOf("inspector");
    operator = await plant.tokenOf("operator");
    const plans = await plant.db.prisma.qualityCheckTemplate.findMany({
      include: { characteristics: { orderBy: { position: "asc" } } },
    });
    plan = plans.find((p) => p.name === "25 kg bag weight and seal check")!;
    releasePlan = plans.find((p) => p.requiresSignature)!;
  });
  afterAll(async () => {
    await subgraph?.close();
    await plant?.close();
  });

  const call = (token: string, query: string, variables: Record<string, unknown>) =>
    callSubgraph<Record<string, Result>>(subgraph.server.url, token, query, variables);
  const open = async (planId: string) => {
    const response = await call(inspector, OPEN, { planId });
    return response.data!.openQualityCheck!.data!.id;
  };
  /** One statement as the database owner with triggers off (session_replication_role = replica). */
  const asDba = async (statement: string) => {
    const owner = new pg.Client({ connectionString: plant.db.ownerUrl });
    await owner.connect();
    try {
      await owner.query("BEGIN");
      await owner.query("SET LOCAL session_replication_role = replica");
      await owner.query(statement);
      await owner.query("COMMIT");
    } finally {
      await owner.end();
    }
  };
  const weightOf = () => plan.characteristics.find((c) => c.name === "Net weight")!;
  const sealOf = () => plan.characteristics.find((c) => c.name === "Seal integrity")!;
  const legibleOf = () => plan.characteristics.find((c) => c.name === "Best-before legible")!;
  const fullRecording = (weights: number[]) => [
    ...weights.map((value, sampleIndex) => ({ characteristicId: weightOf().id, sampleIndex, value })),
    ...weights.map((_, sampleIndex) => ({ characteristicId: sealOf().id, sampleIndex, conforming: true })),
    ...weights.map((_, sampleIndex) => ({ characteristicId: legibleOf().id, sampleIndex, conforming: true })),
  ];

  it("judges each measurement against the spec limits as it is recorded (24.9–25.3 kg)", async () => {
    const checkId = await open(plan.id);
    const response = await call(inspector, RECORD, {
      checkId,
      measurements: [
        { characteristicId: weightOf().id, sampleIndex: 0, value: 25.12 },
        { characteristicId: weightOf().id, sampleIndex: 1, value: 25.31 },
        { characteristicId: sealOf().id, sampleIndex: 0, conforming: false },
      ],
    });
    const result = response.data!.recordMeasurements!;
    expect(result.__typename).toBe("MutationRecordMeasurementsSuccess");
    const measurements = result.data!.measurements as {
      sampleIndex: number;
      value: number | null;
      withinSpec: boolean;
    }[];
    expect(measurements.map((m) => [m.sampleIndex, m.value, m.withinSpec])).toEqual(
      expect.arrayContaining([
        [0, 25.12, true],
        [1, 25.31, false],
        [0, null, false],
      ]),
    );
    expect(result.data!.status).toBe("IN_PROGRESS");
  });

  it("completes a fully recorded check as FAILED when a value is out of spec, and forms its X̄-R subgroup", async () => {
    const checkId = await open(plan.id);
    const response = await call(inspector, RECORD, {
      checkId,
      measurements: fullRecording([25.1, 25.2, 25.0, 25.35, 25.1]),
      complete: true,
    });
    expect(response.data!.recordMeasurements!.data!.status).toBe("FAILED");
    const subgroup = await plant.db.prisma.spcSubgroup.findFirstOrThrow({
      where: { checkId, characteristicId: weightOf().id },
    });
    expect(subgroup.values).toEqual([25.1, 25.2, 25.0, 25.35, 25.1]);
    expect(subgroup.mean).toBeCloseTo(25.15, 10);
    expect(subgroup.range).toBeCloseTo(0.35, 10);
    const seal = await plant.db.prisma.spcSubgroup.findFirstOrThrow({
      where: { checkId, characteristicId: sealOf().id },
    });
    expect({ nonconforming: seal.nonconforming, inspected: seal.inspected }).toEqual({
      nonconforming: 0,
      inspected: 5,
    });
  });

  it("refuses a completion with a sample missing, and records nothing of that call", async () => {
    const checkId = await open(plan.id);
    const partial = fullRecording([25.1, 25.2, 25.0, 25.1, 25.1]).filter(
      (m) => !(m.characteristicId === weightOf().id && m.sampleIndex === 4),
    );
    const response = await call(inspector, RECORD, { checkId, measurements: partial, complete: true });
    expect(response.data!.recordMeasurements).toMatchObject({ __typename: "InputInvalid", field: "complete" });
    expect(await plant.db.prisma.measurement.count({ where: { checkId } })).toBe(0);
  });

  it("corrects a measurement with a new one that supersedes it, keeps the old one and audits the change", async () => {
    const checkId = await open(plan.id);
    const recorded = await call(inspector, RECORD, {
      checkId,
      measurements: fullRecording([25.1, 25.2, 25.0, 25.35, 25.1]),
      complete: true,
    });
    expect(recorded.data!.recordMeasurements!.data!.status).toBe("FAILED");
    const wrong = await plant.db.prisma.measurement.findFirstOrThrow({
      where: { checkId, characteristicId: weightOf().id, sampleIndex: 3 },
    });
    const corrected = await call(inspector, CORRECT, { id: wrong.id, value: 25.15, reason: "Typed 25.35 for 25.15" });
    expect(corrected.data!.correctMeasurement).toMatchObject({
      __typename: "MutationCorrectMeasurementSuccess",
      data: { value: 25.15, withinSpec: true },
    });
    const old = await plant.db.prisma.measurement.findUniqueOrThrow({ where: { id: wrong.id } });
    expect(old.value).toBe(25.35);
    expect(old.supersededById).toBe(corrected.data!.correctMeasurement!.data!.id);
    expect((await plant.db.prisma.qualityCheck.findUniqueOrThrow({ where: { id: checkId } })).status).toBe("PASSED");
    const audit = await plant.db.prisma.auditLog.findFirstOrThrow({
      where: { entityType: "Measurement", entityId: wrong.id },
    });
    expect(audit.action).toBe("measurement.correct");
    // The database itself refuses to rewrite a measurement.
    await expect(plant.db.prisma.measurement.update({ where: { id: wrong.id }, data: { value: 1 } })).rejects.toThrow();
    // A superseded measurement is not corrected twice.
    const again = await call(inspector, CORRECT, { id: wrong.id, value: 25.2, reason: "again" });
    expect(again.data!.correctMeasurement!.code).toBe("INVALID_STATE_TRANSITION");
  });

  it("signs a release check only with the inspector's right PIN, storing the content hash", async () => {
    const checkId = await open(releasePlan.id);
    await call(inspector, RECORD, {
      checkId,
      measurements: releasePlan.characteristics.map((c) => ({
        characteristicId: c.id,
        sampleIndex: 0,
        conforming: true,
      })),
    });
    const wrong = await call(inspector, SIGN, { checkId, secret: "9999" });
    expect(wrong.data!.signReleaseCheck).toMatchObject({ __typename: "QualitySignatureRejected", code: "FORBIDDEN" });
    expect((await plant.db.prisma.qualityCheck.findUniqueOrThrow({ where: { id: checkId } })).signedAt).toBeNull();
    const signed = await call(inspector, SIGN, { checkId, secret: "1357" });
    expect(signed.data!.signReleaseCheck).toMatchObject({
      __typename: "MutationSignReleaseCheckSuccess",
      data: { status: "PASSED" },
    });
    expect(signed.data!.signReleaseCheck!.data!.signatureHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const stored = await plant.db.prisma.qualityCheck.findUniqueOrThrow({ where: { id: checkId } });
    expect(stored.signatureMac).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(stored.signatureKeyId).toBe(qualitySigningKeysOf(plant.db.prisma).current.id);
  });

  it("verifies a signed release check as VALID, and as TAMPERED once a measurement (its trigger bypassed), the outcome, the signer or the MAC is changed in the database", async () => {
    const checkId = await open(releasePlan.id);
    await call(inspector, RECORD, {
      checkId,
      measurements: releasePlan.characteristics.map((c) => ({
        characteristicId: c.id,
        sampleIndex: 0,
        conforming: true,
      })),
    });
    await call(inspector, SIGN, { checkId, secret: "1357" });
    const verify = async () =>
      (await call(inspector, VERIFY, { checkId })).data!.verifyReleaseCheckSignature!.data!.status as string;
    expect(await verify()).toBe("VALID");
    const measurement = await plant.db.prisma.measurement.findFirstOrThrow({ where: { checkId } });
    const check = await plant.db.prisma.qualityCheck.findUniqueOrThrow({ where: { id: checkId } });
    const otherUserId = await plant.userIdOf("admin");
    // The database refuses changes to a signed check and its measurements; a DBA bypassing its
    // triggers is who is caught here.
    const tamperings: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      [
        "a conforming sample made nonconforming",
        () => asDba(`UPDATE measurement SET conforming = false WHERE id = '${measurement.id}'`),
        () => asDba(`UPDATE measurement SET conforming = true WHERE id = '${measurement.id}'`),
      ],
      [
        "the outcome",
        () => asDba(`UPDATE quality_check SET status = 'FAILED' WHERE id = '${checkId}'`),
        () => asDba(`UPDATE quality_check SET status = '${check.status}' WHERE id = '${checkId}'`),
      ],
      [
        "the signer",
        () => asDba(`UPDATE quality_check SET "signedById" = '${otherUserId}' WHERE id = '${checkId}'`),
        () => asDba(`UPDATE quality_check SET "signedById" = '${check.signedById}' WHERE id = '${checkId}'`),
      ],
      [
        "the MAC removed",
        () => asDba(`UPDATE quality_check SET "signatureMac" = NULL WHERE id = '${checkId}'`),
        () => asDba(`UPDATE quality_check SET "signatureMac" = '${check.signatureMac}' WHERE id = '${checkId}'`),
      ],
    ];
    for (const [what, tamper, restore] of tamperings) {
      await tamper();
      expect({ what, status: await verify() }).toEqual({ what, status: "TAMPERED" });
      await restore();
      expect({ what, status: await verify() }).toEqual({ what, status: "VALID" });
    }
    await asDba(`UPDATE quality_check SET "signatureKeyId" = 'qk-gone' WHERE id = '${checkId}'`);
    expect(await verify()).toBe("UNKNOWN_KEY");
    const unsigned = await open(plan.id);
    expect((await call(inspector, VERIFY, { checkId: unsigned })).data!.verifyReleaseCheckSignature!.data!.status).toBe(
      "UNSIGNED",
    );
  });

  it("refuses in the database every UPDATE or DELETE of a signed release check and of the measurements it signed, for any client", async () => {
    const checkId = await open(releasePlan.id);
    await call(inspector, RECORD, {
      checkId,
      measurements: releasePlan.characteristics.map((c) => ({
        characteristicId: c.id,
        sampleIndex: 0,
        conforming: true,
      })),
    });
    // Before signing, the check still moves (the signing itself is such an update).
    await plant.db.prisma.qualityCheck.update({ where: { id: checkId }, data: { note: "before signing" } });
    await call(inspector, SIGN, { checkId, secret: "1357" });
    const signed = await plant.db.prisma.qualityCheck.findUniqueOrThrow({ where: { id: checkId } });
    const measurements = await plant.db.prisma.measurement.findMany({ where: { checkId }, orderBy: { id: "asc" } });
    const measurement = measurements[0];
    const owner = new pg.Client({ connectionString: plant.db.ownerUrl });
    await owner.connect();
    try {
      const attacks: [string, () => Promise<unknown>][] = [
        [
          "the outcome",
          () => plant.db.prisma.qualityCheck.update({ where: { id: checkId }, data: { status: "FAILED" } }),
        ],
        ["the note", () => plant.db.prisma.qualityCheck.update({ where: { id: checkId }, data: { note: "edited" } })],
        [
          "the signature removed",
          () =>
            owner.query(
              `UPDATE quality_check SET "signedAt" = NULL, "signedById" = NULL, "signatureHash" = NULL WHERE id = $1`,
              [checkId],
            ),
        ],
        ["the check deleted", () => owner.query("DELETE FROM quality_check WHERE id = $1", [checkId])],
        [
          "a measurement's value",
          () => owner.query("UPDATE measurement SET conforming = false WHERE id = $1", [measurement!.id]),
        ],
        [
          "a measurement superseded",
          () =>
            plant.db.prisma.measurement.update({
              where: { id: measurement!.id },
              data: { supersededById: measurement!.id },
            }),
        ],
        ["a measurement deleted", () => owner.query("DELETE FROM measurement WHERE id = $1", [measurement!.id])],
        [
          "a measurement added",
          () =>
            owner.query(
              `INSERT INTO measurement (id, "checkId", "characteristicId", "sampleIndex", conforming, "withinSpec", "measuredAt")
               VALUES (gen_random_uuid(), $1, $2, 1, false, false, now())`,
              [checkId, measurement!.characteristicId],
            ),
        ],
      ];
      for (const [what, attack] of attacks) {
        const outcome = await attack().then(
          () => "changed",
          (error: Error) =>
            /is signed: it is never changed|of signed quality check/.test(error.message) ? "refused" : error.message,
        );
        expect({ what, outcome }).toEqual({ what, outcome: "refused" });
      }
    } finally {
      await owner.end();
    }
    expect(await plant.db.prisma.qualityCheck.findUniqueOrThrow({ where: { id: checkId } })).toEqual(signed);
    expect(await plant.db.prisma.measurement.findMany({ where: { checkId }, orderBy: { id: "asc" } })).toEqual(
      measurements,
    );
    expect((await call(inspector, VERIFY, { checkId })).data!.verifyReleaseCheckSignature!.data!.status).toBe("VALID");
  });

  describe("bad input gets a typed error and changes nothing", () => {
    it.each([
      ["NaN", "NaN"],
      ["infinity", "Infinity"],
      ["text", '"heavy"'],
    ])("%s as a measurement is refused as BAD_USER_INPUT", async (_name, literal) => {
      const checkId = await open(plan.id);
      const query = `mutation { recordMeasurements(checkId: "${checkId}", measurements: [{ characteristicId: "${weightOf().id}", sampleIndex: 0, value: ${literal} }]) { __typename } }`;
      const response = await call(inspector, query, {});
      expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      // As a JSON variable too (JSON has no NaN: a client sends null or a string).
      const asVariable = await call(inspector, RECORD, {
        checkId,
        measurements: [{ characteristicId: weightOf().id, sampleIndex: 0, value: literal === "NaN" ? null : literal }],
      });
      const refused = asVariable.errors?.[0]?.extensions?.code ?? asVariable.data?.recordMeasurements?.code;
      expect(refused).toBe("BAD_USER_INPUT");
      expect(await plant.db.prisma.measurement.count({ where: { checkId } })).toBe(0);
    });

    it("a sample beyond the plan's sample size is refused", async () => {
      const checkId = await open(plan.id);
      const response = await call(inspector, RECORD, {
        checkId,
        measurements: [{ characteristicId: weightOf().id, sampleIndex: 5, value: 25.1 }],
      });
      expect(response.data!.recordMeasurements).toMatchObject({
        __typename: "InputInvalid",
        field: "measurements.0.sampleIndex",
      });
    });

    it("a plan whose subgroup cannot form from its samples is refused (subgroup of the wrong size)", async () => {
      const CREATE = `mutation ($input: InspectionPlanInput!) { createInspectionPlan(input: $input) {
        __typename ... on ExpectedError { code } ... on InputInvalid { field } } }`;
      const product = await plant.db.prisma.productType.findUniqueOrThrow({ where: { code: "MM-25" } });
      const input = {
        name: "Bad plan",
        productTypeId: product.id,
        lineId: await plant.lineIdOf("bagging-1"),
        sampleSize: 3,
        characteristics: [
          { name: "Weight", type: "VARIABLE", lowerSpec: 1, upperSpec: 2, subgroupSize: 5, chartType: "XBAR_R" },
        ],
      };
      const admin = await plant.tokenOf("admin");
      const response = await call(admin, CREATE, { input });
      expect(response.data!.createInspectionPlan).toMatchObject({
        __typename: "InputInvalid",
        field: "characteristics.0.subgroupSize",
      });
      const wrongChart = await call(admin, CREATE, {
        input: { ...input, sampleSize: 5, characteristics: [{ ...input.characteristics[0], subgroupSize: 1 }] },
      });
      expect(wrongChart.data!.createInspectionPlan).toMatchObject({
        __typename: "InputInvalid",
        field: "characteristics.0.chartType",
      });
      expect(await plant.db.prisma.qualityCheckTemplate.count({ where: { name: "Bad plan" } })).toBe(0);
    });

    it("LSL above USL is refused and the limits stay", async () => {
      const response = await call(inspector, CHANGE, {
        input: { characteristicId: weightOf().id, lowerSpec: 25.4, upperSpec: 25.3 },
      });
      expect(response.data!.changeQualityCharacteristic).toMatchObject({
        __typename: "InputInvalid",
        field: "characteristic.lowerSpec",
      });
      const stored = await plant.db.prisma.qualityCharacteristic.findUniqueOrThrow({ where: { id: weightOf().id } });
      expect([stored.lowerSpec, stored.upperSpec]).toEqual([24.9, 25.3]);
    });

    it("an operator changing limits is FORBIDDEN and the limits stay", async () => {
      const response = await call(operator, CHANGE, { input: { characteristicId: weightOf().id, lowerSpec: 20 } });
      expect(response.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      const stored = await plant.db.prisma.qualityCharacteristic.findUniqueOrThrow({ where: { id: weightOf().id } });
      expect(stored.lowerSpec).toBe(24.9);
    });

    it("an operator recording a measurement is FORBIDDEN", async () => {
      const checkId = await open(plan.id);
      const response = await call(operator, RECORD, {
        checkId,
        measurements: [{ characteristicId: weightOf().id, sampleIndex: 0, value: 25.1 }],
      });
      expect(response.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(await plant.db.prisma.measurement.count({ where: { checkId } })).toBe(0);
    });

    it("recording against an inactive plan is refused with InspectionPlanInactive", async () => {
      const checkId = await open(plan.id);
      await plant.db.prisma.qualityCheckTemplate.update({ where: { id: plan.id }, data: { active: false } });
      try {
        const response = await call(inspector, RECORD, {
          checkId,
          measurements: [{ characteristicId: weightOf().id, sampleIndex: 0, value: 25.1 }],
        });
        expect(response.data!.recordMeasurements).toMatchObject({
          __typename: "InspectionPlanInactive",
          code: "INVALID_STATE_TRANSITION",
        });
        expect(await plant.db.prisma.measurement.count({ where: { checkId } })).toBe(0);
        const opened = await call(inspector, OPEN, { planId: plan.id });
        expect(opened.data!.openQualityCheck!.__typename).toBe("InspectionPlanInactive");
      } finally {
        await plant.db.prisma.qualityCheckTemplate.update({ where: { id: plan.id }, data: { active: true } });
      }
    });
  });
});
