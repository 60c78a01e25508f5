/** Workload shapes against the EXO simulator through runNode, checked with its ground truth. */
import { runShapes, shapeSpecifications, type ShapesRun } from '../helpers/shapes.js';

describe('workload shapes against the EXO simulator (ground truth)', () => {
  let run: ShapesRun;
  beforeAll(async () => {
    run = await runShapes('exo');
  }, 120_000);

  shapeSpecifications(() => run);
});
