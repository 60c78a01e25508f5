/**
 * Threshold expressions as a config writes them: `<metric> <comparator> <number>`, e.g.
 * `ttft_p95_ms <= 800`. Parsed when the config is validated (errors carry the config position) and again
 * when judged (src/verdict/thresholds.ts); the metric names come from the one table, src/metrics/catalog.ts.
 */
import { METRICS, METRIC_NAMES, type MetricDefinition } from '../metrics/catalog.js';
import { closestMatch } from './describe.js';

/** The comparators a threshold may use. */
export type Comparator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A parsed threshold. */
export interface Threshold {
  /** As written (trimmed), for messages and the summary. */
  expression: string;
  metric: MetricDefinition;
  comparator: Comparator;
  limit: number;
}

const EXPRESSION = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|!=|<|>|=)?\s*(.*?)\s*$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const FORM = 'write "<metric> <comparator> <number>", e.g. "ttft_p95_ms <= 800"';

/** Parses one threshold; returns the reason in the user's terms when it cannot. */
export function parseThreshold(
  text: string,
  scope: 'run' | 'stage',
): { threshold: Threshold } | { error: string } {
  const match = EXPRESSION.exec(text);
  if (!match || text.trim() === '')
    return { error: `expected a threshold; ${FORM}, found ${JSON.stringify(text)}` };
  const [, name = '', comparatorText, limitText = ''] = match;
  const metric = METRICS.get(name);
  if (!metric) {
    const suggestion = closestMatch(name, METRIC_NAMES);
    const hint = suggestion
      ? `did you mean "${suggestion}"?`
      : 'configs/README.md lists the metrics (the unit is part of the name: _ms, _s)';
    return { error: `unknown metric "${name}"; ${hint}` };
  }
  if (metric.stageOnly && scope === 'run') {
    return { error: `"${name}" is only measured per stage; put this threshold under a stage's thresholds` };
  }
  if (comparatorText === undefined) {
    return { error: `expected a comparator (<, <=, >, >=, == or !=) after "${name}"; ${FORM}` };
  }
  if (comparatorText === '=') return { error: `"=" is not a comparator; did you mean "=="?` };
  if (limitText.endsWith('%')) {
    return {
      error: `expected a number, found "${limitText}"; ${metric.name === 'success_rate' ? 'success_rate is a ratio from 0 to 1 (write 0.99 for 99%)' : 'percentages are not numbers here'}`,
    };
  }
  if (!NUMBER.test(limitText)) {
    return {
      error: `expected a number after "${name} ${comparatorText}", found ${limitText === '' ? 'nothing' : JSON.stringify(limitText)}${/^\d/.test(limitText) ? ' (no unit: it is in the metric name)' : ''}`,
    };
  }
  const limit = Number(limitText);
  if (!Number.isFinite(limit)) return { error: `expected a finite number, found "${limitText}"` };
  return { threshold: { expression: text.trim(), metric, comparator: comparatorText as Comparator, limit } };
}
