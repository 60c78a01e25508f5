/** Plan mode: the matrix of nodes from a config's `hardware_plan`, and its job-summary section. */
export { buildPlan, planStartAtMs } from './plan.js';
export type { Plan, PlanEntry } from './plan.js';
export { renderPlanMarkdown } from './markdown.js';
