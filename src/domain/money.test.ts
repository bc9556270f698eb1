import { describe, expect, it } from 'vitest';
import { formatUsd } from './money.js';

describe('formatUsd', () => {
  it('shows whole cents and amounts from a dollar with two decimals', () => {
    expect([0, 0.5, 0.4, 5, 12, 1.234, 1.005].map(formatUsd)).toEqual([
      '$0.00',
      '$0.50',
      '$0.40',
      '$5.00',
      '$12.00',
      '$1.23',
      '$1.00',
    ]);
  });

  it('shows an amount below a dollar that is not whole cents with four decimals, never as $0.00', () => {
    expect([0.049, 0.004, 0.00255].map(formatUsd)).toEqual(['$0.0490', '$0.0040', '$0.0026']);
  });
});
