import { describe, expect, it } from "vitest";
import { NO_CHOICES, trainBody } from "../../../src/console/app/train-options";

const choices = (over: Partial<typeof NO_CHOICES>) => ({ ...NO_CHOICES, ...over });

describe("the Train form's options", () => {
  it("leaves the API's defaults when every field is blank", () => {
    expect(trainBody("logistic", true, NO_CHOICES)).toEqual({
      body: { headType: "logistic", activate: true },
    });
  });

  it("sends a test share alone as testFraction, and with a validation share as fractions", () => {
    expect(trainBody("mlp", false, choices({ testPercent: " 25 " }))).toEqual({
      body: { headType: "mlp", activate: false, testFraction: 0.25 },
    });
    const both = trainBody(
      "finetune",
      true,
      choices({ testPercent: "10", validationPercent: "40" }),
    );
    expect("body" in both && both.body.fractions).toEqual({
      train: expect.closeTo(0.5, 12),
      validation: 0.4,
      test: 0.1,
    });
  });

  it("reads decimals as people type them: a comma, a percent sign", () => {
    const typed = trainBody(
      "logistic",
      true,
      choices({ testPercent: "12,5", precisionPercent: "95 %" }),
    );
    expect(typed).toEqual({
      body: { headType: "logistic", activate: true, testFraction: 0.125, targetPrecision: 0.95 },
    });
  });

  it("sends the target precision as a fraction, and balanced weights to heads that take them", () => {
    const balanced = choices({ precisionPercent: "95", balanced: true });
    expect(trainBody("logistic", true, balanced)).toEqual({
      body: {
        headType: "logistic",
        activate: true,
        targetPrecision: 0.95,
        hyperparameters: { classWeight: "balanced" },
      },
    });
    expect(trainBody("prototype", true, balanced)).toEqual({
      body: { headType: "prototype", activate: true, targetPrecision: 0.95 },
    });
  });

  it.each([
    [{ testPercent: "0" }, /test share must be .* above 0 and at most 50/, "testPercent"],
    [{ testPercent: "60" }, /at most 50/, "testPercent"],
    [{ testPercent: "ten" }, /not "ten"/, "testPercent"],
    [{ testPercent: "1e" }, /not "1e"/, "testPercent"],
    [{ testPercent: "1e1" }, /not "1e1"/, "testPercent"],
    [{ testPercent: "0x10" }, /not "0x10"/, "testPercent"],
    [{ precisionPercent: "100" }, /target precision must be .* below 100/, "precisionPercent"],
    [{ precisionPercent: "-5" }, /above 0/, "precisionPercent"],
    [{ validationPercent: "20" }, /Give a test share/, "testPercent"],
    [{ testPercent: "50", validationPercent: "50" }, /nothing to train on/, "validationPercent"],
  ])("refuses %j, saying why and in which field", (over, problem, field) => {
    const outcome = trainBody("logistic", true, choices(over));
    expect(outcome).toMatchObject({ problem: expect.stringMatching(problem), field });
  });
});
