/**
 * Whether a training could only end in work-budget-exceeded: the least its evaluation rounds must
 * spend already takes more job steps than it may take (step-budget.ts). Such a job would run for
 * up to twice a job's steps and then fail; it is refused before it is queued instead. Only a head
 * whose fits have a known least cost can be refused this way (an MLP's early stopping waits out a
 * warm-up and its patience); logistic and prototype fits may stop at once.
 */

import { HEAD_SPECS } from "../heads/registry";
import type { HeadType, TrainOptions } from "../types";
import { evaluationProtocol, trainingFlopsBound } from "./evaluation-protocol";
import { STEP_FLOPS, trainingStepBudget } from "./step-budget";
import { protocolOptions } from "./validate-options";

/** What decides a training's work before its job is queued: the request and the stored samples. */
export interface TrainingPlan {
  headType: HeadType;
  options: TrainOptions;
  /** Samples per label, as the protocol counts them (identical embeddings once). */
  classCounts: number[];
  labels: string[];
  dim: number;
}

/** The fewest job steps a training can take, and the most it may. */
export interface StepsFloor {
  steps: number;
  budget: number;
  /** How the rounds go, for a refusal to say. */
  rounds: string;
}

/** Null for a head whose fits have no known least cost. */
export function trainingStepsFloor(plan: TrainingPlan, stepFlops = STEP_FLOPS): StepsFloor | null {
  const spec = HEAD_SPECS[plan.headType];
  if (!spec.fitWorkFloor) return null;
  const { options, classCounts, labels, dim } = plan;
  const cost = { spec, labels, dim };
  const { fractions } = protocolOptions(options);
  const protocol = evaluationProtocol(classCounts, options, fractions, cost);
  const samples = classCounts.reduce((a, b) => a + b, 0);
  const budget = trainingStepBudget(
    trainingFlopsBound(protocol, cost, options, samples),
    stepFlops,
  );
  // The fewest samples a round trains on: stratification rounds each class's share of a fold by
  // less than one sample, and a round holds out two folds (test and validation) or two splits.
  const slack = classCounts.length;
  const round =
    protocol.kind === "cross-validation"
      ? {
          count: protocol.folds * protocol.repeats,
          train: samples - 2 * (Math.ceil(samples / protocol.folds) + slack),
        }
      : { count: 1, train: Math.floor(samples * fractions.train) - slack };
  const shape = { rows: Math.max(1, round.train), dim, labels: labels.length };
  const candidates = spec.candidates(options, labels);
  let units = 0;
  let smallestUnit = Number.POSITIVE_INFINITY;
  for (const hyperparameters of candidates) {
    const floor = spec.fitWorkFloor(shape, hyperparameters);
    units += round.count * floor.units;
    smallestUnit = Math.min(smallestUnit, floor.unitFlops);
  }
  // A step does whole units until it has spent stepFlops, so it holds at most
  // ceil(stepFlops / smallestUnit) of them.
  const steps = Math.floor(units / Math.ceil(stepFlops / smallestUnit));
  const rounds =
    protocol.kind === "cross-validation"
      ? `${round.count} cross-validation rounds of ${candidates.length} sweep candidates`
      : `a holdout of ${candidates.length} sweep candidates`;
  return { steps, budget, rounds };
}

/** Why the training cannot finish within its steps, or null when it may. */
export function stepBudgetRefusal(plan: TrainingPlan, stepFlops = STEP_FLOPS): string | null {
  const floor = trainingStepsFloor(plan, stepFlops);
  if (floor === null || floor.steps <= floor.budget) return null;
  const samples = plan.classCounts.reduce((a, b) => a + b, 0);
  return `this training would take at least ${floor.steps} job steps (${floor.rounds} on ${samples} samples at ${plan.dim} dimensions), more than the ${floor.budget} a training may take, so it could only fail: lower hyperparameters.maxEpochs, patience or hiddenUnits, sweep fewer candidates, or train on fewer samples`;
}
