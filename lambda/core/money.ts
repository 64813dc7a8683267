/**
 * Money beside minutes: what a number of minutes costs at a price per
 * minute, and how an amount is written ("12.34 USD"). Pure. Amounts are
 * shown to the cent with the currency code after them, whatever the
 * currency, so a message reads the same in USD and in a negotiated EUR rate.
 */

/** What `minutes` cost at `perMinute`, unrounded (rounding is for display only). */
export function costOf(minutes: number, perMinute: number): number {
  return minutes * perMinute;
}

/** "1,234.56 USD"; an amount above 0 that rounds to 0.00 is "< 0.01 USD", never a misleading zero. */
export function formatMoney(amount: number, currency: string): string {
  if (amount > 0 && amount < 0.005) return `< 0.01 ${currency}`;
  const cents = Math.round(amount * 100) / 100;
  return `${cents.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}

/** The price of one minute: "0.17 USD a minute" (as many decimals as the price has, at least two). */
export function formatRate(perMinute: number, currency: string): string {
  const decimals = Math.max(2, Math.min(6, (String(perMinute).split('.')[1] ?? '').length));
  return `${perMinute.toFixed(decimals)} ${currency} a minute`;
}
