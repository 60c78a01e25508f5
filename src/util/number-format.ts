/**
 * Numbers as the reports write them, without Intl. The first `toLocaleString` of a process initialises
 * ICU's number formatting: ~20 ms of CPU, a fiftieth of what a whole light benchmark run costs its
 * client (issue #17), for output this does in a few lines.
 */

/**
 * `value` with exactly `decimals` decimals and a comma between thousands, as `toLocaleString('en-US',
 * { minimumFractionDigits: decimals, maximumFractionDigits: decimals })` writes it: `1,234.5`, `-0.3`.
 * Rounding is toFixed's (the decimal nearest to the binary value, an exact tie rounding away from zero)
 * where ICU rounds an exact tie to even (0.125 → `0.13` here, `0.12` there); negative zero is `0`; and
 * past a double's ~16 significant digits this prints the binary value's digits where ICU pads with zeros.
 */
export function formatGrouped(value: number, decimals: number): string {
  const magnitude = Math.abs(value);
  // toFixed switches to exponent notation from 1e21; nothing the reports print gets there.
  if (!(magnitude < 1e21)) return value.toLocaleString('en-US', { maximumFractionDigits: decimals });
  const fixed = magnitude.toFixed(decimals);
  const dot = fixed.indexOf('.');
  const whole = dot < 0 ? fixed : fixed.slice(0, dot);
  let grouped = '';
  for (let end = whole.length; end > 0; end -= 3) {
    const start = Math.max(0, end - 3);
    grouped = grouped === '' ? whole.slice(start, end) : `${whole.slice(start, end)},${grouped}`;
  }
  return `${value < 0 ? '-' : ''}${grouped}${dot < 0 ? '' : fixed.slice(dot)}`;
}
