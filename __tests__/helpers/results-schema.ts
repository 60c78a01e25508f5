/**
 * configs/results.schema.json as tests validate documents against it: the file is generated from the
 * interfaces of src/results/ (scripts/write-results-schema.mjs), and __tests__/report/results-schema
 * keeps it fresh.
 */
import { readFileSync } from 'node:fs';

export const resultsSchema = JSON.parse(
  readFileSync(new URL('../../configs/results.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
