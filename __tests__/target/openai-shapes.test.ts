/**
 * Workload shapes end to end through runNode against the simulator's openai flavour (the stand-in for a
 * real OpenAI-compatible server), checked with its ground truth.
 */
import { runShapes, shapeSpecifications, type ShapesRun } from '../helpers/shapes.js';

describe('workload shapes against an OpenAI-compatible server (ground truth)', () => {
  let run: ShapesRun;
  beforeAll(async () => {
    run = await runShapes('openai');
  }, 120_000);

  shapeSpecifications(() => run);
});
