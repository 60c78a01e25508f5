/**
 * What each metric means, in words: the one table that the summary's legend (src/report/summary.ts),
 * report.html's definitions (src/report/html.ts) and the results schema all print. The schema's
 * generator (scripts/write-results-schema.mjs) reads this file and makes each listed field's
 * description `<name>: <formula>.`, followed by whatever the field's own JSDoc adds (its unit, the
 * version it appeared in); so a field's JSDoc never restates its formula. The formulas themselves are
 * code in src/metrics/samples.ts (per request) and src/metrics/aggregate.ts (over requests).
 *
 * Keep this file a plain literal (strings only): the generator reads it without running TypeScript.
 */

/** One metric, as people read it. */
export interface MetricDescription {
  /** As the summary and the report name it. */
  name: string;
  /** How it is computed, in words. */
  formula: string;
  /** The results.json fields it defines, as `Definition.property` of configs/results.schema.json. */
  fields: readonly string[];
}

export const METRIC_DEFINITIONS: readonly MetricDescription[] = [
  {
    name: 'Success Rate',
    formula: 'successful requests ÷ requests (warmup excluded); a success has ≥ 1 token and ends with [DONE]',
    fields: ['LoadStatistics.success_rate', 'StageResults.counted_success_rate'],
  },
  {
    name: 'Total Tokens',
    formula:
      'sum of output tokens of successful requests (server usage, else EXO generation_stats, else chunks)',
    fields: ['LoadStatistics.total_tokens', 'StageResults.output_tokens_total'],
  },
  {
    name: 'Avg Tokens/Request',
    formula: 'Total Tokens ÷ successful requests',
    fields: ['LoadStatistics.avg_tokens_per_request', 'StageResults.output_tokens_per_request'],
  },
  {
    name: 'Avg Time/Request',
    formula: 'mean E2E of successful requests, seconds',
    fields: ['LoadStatistics.avg_time_per_request', 'StageResults.e2e_mean_s'],
  },
  {
    name: 'TTFT',
    formula:
      'first chunk with non-empty content or reasoning_content − send time (request written on the socket)',
    fields: ['LoadStatistics.ttft_ms', 'StageResults.ttft_ms'],
  },
  {
    name: 'TTFAT',
    formula: 'first chunk with non-empty content − send time (time to first answer token)',
    fields: ['LoadStatistics.ttfat_ms', 'StageResults.ttfat_ms'],
  },
  {
    name: 'TPOT',
    formula: '(E2E − TTFT) ÷ (output tokens − 1), requests with ≥ 2 tokens',
    fields: ['LoadStatistics.tpot_ms', 'StageResults.tpot_ms'],
  },
  {
    name: 'ITL',
    formula: 'gap between consecutive token chunks, every gap of every successful request',
    fields: ['StageResults.itl_ms'],
  },
  {
    name: 'Prompt tokens',
    formula:
      'usage.prompt_tokens (else EXO generation_stats) of successful requests, chat template and nonce included; "exact" = requests equal to prompt_length',
    fields: ['LoadStatistics.prompt_tokens', 'StageResults.prompt_tokens'],
  },
  {
    name: 'Cache hit',
    formula:
      'Σ cached_tokens ÷ Σ prompt_tokens (usage.prompt_tokens_details); without cached_tokens, share of requests with EXO prefix_cache_hit partial or exact',
    fields: ['LoadStatistics.cache_hit_rate', 'StageResults.cache_hit_rate'],
  },
  {
    name: 'Output shortfall',
    formula:
      "Σ max(0, requested − output tokens) ÷ Σ requested over the successful requests (requested: generation_length, or a trace request's own output_length); short/over = requests below/above their request",
    fields: ['OutputLengthStatistics.shortfall_ratio'],
  },
  {
    name: 'Tokens/chunk',
    formula:
      'Σ output tokens ÷ Σ token chunks; above 1 the server packs several tokens per chunk, so ITL is a chunk gap and TPOT (from usage) the per-token figure',
    fields: [],
  },
  {
    name: 'Calibration probes',
    formula:
      'max_tokens: 1 requests sent before a stage to size its prompts; excluded from every other figure',
    fields: ['StageCalibration.probes'],
  },
  {
    name: 'E2E',
    formula: 'end of the response − send time; "from schedule" uses the scheduled time instead',
    fields: ['LoadStatistics.e2e_ms', 'StageResults.e2e_ms'],
  },
  {
    name: 'Dispatch lag',
    formula:
      'time the request was handed to the HTTP client − scheduled send time (the load generator’s own delay)',
    fields: ['LoadStatistics.dispatch_lag_ms', 'StageResults.dispatch_lag_ms'],
  },
  {
    name: 'Connect',
    formula:
      'request written on a connected socket − handed to the HTTP client (connection setup); TTFT and E2E start after it',
    fields: ['LoadStatistics.connect_ms', 'StageResults.connect_ms'],
  },
  {
    name: 'Output tok/s',
    formula: 'Total Tokens ÷ active window (first send → last end of the counted requests)',
    fields: ['LoadStatistics.output_tokens_per_second', 'StageResults.output_tokens_per_second'],
  },
  {
    name: 'Req/s',
    formula: 'successful requests ÷ active window',
    fields: ['LoadStatistics.requests_per_second', 'StageResults.requests_per_second'],
  },
  {
    name: 'Peak in flight',
    formula: 'largest number of requests open at once',
    fields: ['StageResults.peak_in_flight'],
  },
];
