const space = /\s/;

/**
 * Maps a position in an answer as it was streamed (the `delta` texts joined as they arrived) to
 * the same place in the final `response` content, which differs only in whitespace (the rounds of
 * a tool loop are joined by a blank line) and in notes appended at the end. The place is found by
 * counting the non-whitespace characters before it; an `offset` past the end maps to the end.
 * Used to show each tool call where it happened in the answer (the chat and the transcript).
 */
export function answerOffset(streamed: string, final: string, offset: number): number {
  let count = 0;
  const end = Math.min(Math.max(0, offset), streamed.length);
  for (let index = 0; index < end; index += 1) if (!space.test(streamed[index]!)) count += 1;
  if (count === 0) return 0;
  let seen = 0;
  for (let index = 0; index < final.length; index += 1) {
    if (space.test(final[index]!)) continue;
    seen += 1;
    if (seen === count) return index + 1;
  }
  return final.length;
}
