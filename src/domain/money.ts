/**
 * An amount in US dollars for people: whole cents as cents (`$0.50`, `$12.00`), and an amount
 * below a dollar that is not, such as one LLM call's cost or a small budget, to four decimals
 * (`$0.0049`), so that it never shows as `$0.00`.
 *
 * @example formatUsd(0.5) // '$0.50'; formatUsd(0.049) // '$0.0490'; formatUsd(1.234) // '$1.23'
 */
export function formatUsd(usd: number): string {
  const cents = usd * 100;
  const wholeCents = Math.abs(cents - Math.round(cents)) < 1e-9;
  return Math.abs(usd) >= 1 || wholeCents ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}
