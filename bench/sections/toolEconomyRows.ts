import { round } from '../lib/stats';

import type { ToolEconomyResult } from './toolEconomy';

/** The targets for section 5. */
export const toolEconomyTargets = {
  /** Eager tool definitions (search tool included), Claude tokens. */
  eagerDefinitionTokens: 3000,
  /** Lean results ÷ raw results, tokens, over the scenario's tools. */
  leanResultRatio: 0.6,
  /** New cached conversation ÷ today's cached conversation, billed input. */
  conversationVsTodayCached: 0.4,
};

/** One table row, with an optional verdict (value ≤ limit) for the run's summary. */
export interface EconomyRow {
  section: string;
  metric: string;
  value: string;
  baseline?: string;
  ratio?: string;
  target?: string;
  verdict?: { target: string; value: number; limit: number };
}

/** `1,234 tokens (5,678 chars)`. */
const sized = (size: { tokens: number; chars: number }): string =>
  `${size.tokens.toLocaleString('en-US')} tok (${size.chars.toLocaleString('en-US')} chars)`;
const percent = (value: number): string => `${round(value * 100, 1)}%`;

/** The rows section 5 adds to the bench table: definitions, results per tool, the conversation. */
export function toolEconomyRows(t: ToolEconomyResult): EconomyRow[] {
  const section = '5 tokens';
  const { today, eager, deferred, eagerToolCount } = t.definitions;
  const rows: EconomyRow[] = [
    {
      section,
      metric: `eager tool definitions per request (${eagerToolCount - 1} core + tool search)`,
      value: sized(eager),
      baseline: `today, all ${t.toolCount} eager: ${sized(today)}`,
      ratio: percent(eager.tokens / today.tokens),
      target: `≤ ${toolEconomyTargets.eagerDefinitionTokens} tok`,
      verdict: { target: 'eager tool definitions (tokens)', value: eager.tokens, limit: toolEconomyTargets.eagerDefinitionTokens },
    },
    {
      section,
      metric: `deferred definitions (${t.toolCount - eagerToolCount + 1} tools, sent but not in the prompt until searched)`,
      value: sized(deferred),
    },
  ];
  const raw = t.results.reduce((sum, entry) => sum + entry.raw.tokens, 0);
  const lean = t.results.reduce((sum, entry) => sum + entry.lean.tokens, 0);
  for (const entry of t.results) {
    rows.push({
      section,
      metric: `result tokens: ${entry.tool}`,
      value: `${entry.lean.tokens} lean`,
      baseline: `${entry.raw.tokens} raw`,
      ratio: percent(entry.lean.tokens / entry.raw.tokens),
    });
  }
  rows.push({
    section,
    metric: `result tokens, the scenario's ${t.results.length} tools (answers unchanged: ${t.answersUnchanged ? 'yes' : 'NO'})`,
    value: `${lean} lean`,
    baseline: `${raw} raw`,
    ratio: percent(lean / raw),
    target: `≤ ${percent(toolEconomyTargets.leanResultRatio)}`,
    verdict: {
      target: 'lean ÷ raw result tokens',
      value: t.answersUnchanged ? lean / raw : Number.POSITIVE_INFINITY,
      limit: toolEconomyTargets.leanResultRatio,
    },
  });
  const { todayUncached, todayCached, newCached } = t.conversations;
  const perRequest = (cost: { billedInputEquivalent: number; requests: number }): string =>
    `${round(cost.billedInputEquivalent / cost.requests / 1000, 1)}k/request`;
  rows.push({
    section,
    metric: `10-turn conversation, billed input: today uncached (${todayUncached.requests} requests)`,
    value: `${round(todayUncached.billedInputEquivalent, 0)} tok`,
    baseline: perRequest(todayUncached),
  });
  rows.push({
    section,
    metric: `10-turn conversation, billed input: today cached`,
    value: `${round(todayCached.billedInputEquivalent, 0)} tok`,
    baseline: `uncached ${round(todayUncached.billedInputEquivalent, 0)}`,
    ratio: percent(todayCached.billedInputEquivalent / todayUncached.billedInputEquivalent),
  });
  rows.push({
    section,
    metric: `10-turn conversation, billed input: cached + deferred + lean (${newCached.searches} tool searches)`,
    value: `${round(newCached.billedInputEquivalent, 0)} tok`,
    baseline: `today cached ${round(todayCached.billedInputEquivalent, 0)}`,
    ratio: percent(t.ratioToTodayCached),
    target: `≤ ${percent(toolEconomyTargets.conversationVsTodayCached)}`,
    verdict: {
      target: 'new ÷ today cached conversation (billed input)',
      value: t.ratioToTodayCached,
      limit: toolEconomyTargets.conversationVsTodayCached,
    },
  });
  const baselinePerRequest = 19_400;
  rows.push({
    section,
    metric: 'billed input per request, cached + deferred + lean',
    value: `${round(newCached.billedInputEquivalent / newCached.requests, 0)} tok`,
    baseline: `19.4k (tool list alone, today, chars ÷ 4)`,
    ratio: percent(newCached.billedInputEquivalent / newCached.requests / baselinePerRequest),
  });
  rows.push({
    section,
    metric: 'cached + deferred run: input / cache write / cache read tokens',
    value: `${newCached.inputTokens} / ${newCached.cacheCreationInputTokens} / ${newCached.cacheReadInputTokens}`,
    baseline: `today ${todayCached.inputTokens} / ${todayCached.cacheCreationInputTokens} / ${todayCached.cacheReadInputTokens}`,
  });
  return rows;
}
