import type { ToolChip } from './chatState';

/** A stretch of an answer: text (markdown), or the tool calls made at that point. */
export type AnswerPart = { kind: 'text'; text: string } | { kind: 'tools'; chips: ToolChip[] };

/**
 * Splits an answer at the places its tool calls happened, so each call shows where it was made
 * ("Let me look that up." · chip · "Here are your tasks."). A chip without a place comes first
 * (before the answer); calls at the same place share one row; blank text stretches are dropped.
 */
export function answerParts(text: string, chips: readonly ToolChip[]): AnswerPart[] {
  const ordered = chips
    .map((chip, index) => ({ chip, index, at: Math.min(Math.max(0, chip.offset ?? 0), text.length) }))
    .sort((left, right) => left.at - right.at || left.index - right.index);
  const parts: AnswerPart[] = [];
  let cursor = 0;
  for (const { chip, at } of ordered) {
    const before = text.slice(cursor, at);
    if (before.trim()) parts.push({ kind: 'text', text: before });
    cursor = Math.max(cursor, at);
    const last = parts.at(-1);
    if (last?.kind === 'tools' && !before.trim()) last.chips.push(chip);
    else parts.push({ kind: 'tools', chips: [chip] });
  }
  const rest = text.slice(cursor);
  if (rest.trim()) parts.push({ kind: 'text', text: rest });
  return parts;
}
