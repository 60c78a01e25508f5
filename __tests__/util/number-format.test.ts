import { formatGrouped } from '../../src/util/number-format.js';

const icu = (value: number, decimals: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

describe('formatGrouped (en-US grouping without Intl)', () => {
  it('writes what toLocaleString writes, across magnitudes, signs and decimals', () => {
    // A fixed pseudo-random sequence (xorshift): values from 1e-4 to 1e12, both signs, 0–4 decimals.
    let state = 0x2545f491;
    const next = (): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
    let compared = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = (next() < 0.5 ? -1 : 1) * 10 ** (next() * 16 - 4);
      const decimals = Math.floor(next() * 5);
      // An exact decimal tie is where the two roundings differ by design (below); skip the rare one.
      const scaled = Math.abs(value) * 10 ** decimals;
      if (Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6) continue;
      // Near a double's ~16 significant digits toFixed prints the binary value's digits, ICU rounds the
      // shortest decimal. Reports print milliseconds and counts far below that.
      if (scaled >= 1e12) continue;
      expect(`${value} ${decimals} → ${formatGrouped(value, decimals)}`).toBe(
        `${value} ${decimals} → ${icu(value, decimals)}`,
      );
      compared++;
    }
    expect(compared).toBeGreaterThan(17_000);
  });

  it('groups whole thousands and keeps small numbers plain', () => {
    expect(formatGrouped(0, 1)).toBe('0.0');
    expect(formatGrouped(999, 0)).toBe('999');
    expect(formatGrouped(1000, 0)).toBe('1,000');
    expect(formatGrouped(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatGrouped(-1234.5, 1)).toBe('-1,234.5');
    expect(formatGrouped(999.96, 1)).toBe('1,000.0');
  });

  it('rounds an exact tie away from zero (ICU rounds it to even) and writes negative zero as 0', () => {
    expect(formatGrouped(0.125, 2)).toBe('0.13');
    expect(formatGrouped(2.5, 0)).toBe('3');
    expect(formatGrouped(-0, 1)).toBe('0.0');
    expect(formatGrouped(-0.01, 1)).toBe('-0.0');
  });
});
