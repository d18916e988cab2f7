import type { Usage } from '../../../shared/types/session';

/** US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * The day the prices below were copied from Anthropic's public price list. Update the table and
 * this date together (docs/spend.md); the Usage page shows it.
 */
export const pricesAsOf = '2026-12-07';

/**
 * Public list prices per model family (US$ per million tokens), for an estimate only; the bill
 * is Anthropic's. Matched by the first family name the model id contains; default Sonnet.
 * Cache writes are the 5-minute ephemeral rate (1.25 × input); cache reads 0.1 × input.
 */
export const modelPrices: Record<'opus' | 'sonnet' | 'haiku', ModelPrice> = {
  opus: { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  sonnet: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  haiku: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
};

/** The price list entry for `model` (Sonnet when the family is unknown). */
export function priceOf(model: string): ModelPrice {
  const id = model.toLowerCase();
  if (id.includes('opus')) return modelPrices.opus;
  if (id.includes('haiku')) return modelPrices.haiku;
  return modelPrices.sonnet;
}

/** The price of `usage` with `model`, US dollars, unrounded (the spend ledger sums these). */
export function priceUsd(usage: Usage, model: string): number {
  const price = priceOf(model);
  return (
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheReadTokens * price.cacheRead +
      usage.cacheWriteTokens * price.cacheWrite) /
    1_000_000
  );
}

/** Estimated cost of `usage` with `model`, US dollars, rounded to 1/10,000. */
export function estimateCost(usage: Usage, model: string): number {
  return Math.round(priceUsd(usage, model) * 10_000) / 10_000;
}
