import { answerParts } from './answerParts';
import type { ToolChip } from './chatState';
import { Markdown } from './Markdown';
import { ToolChipView } from './ToolChipView';

/** An answer's text with each tool call's chip where the call happened in it (see {@link answerParts}). */
export function AnswerBody({ text, tools }: { text: string; tools: readonly ToolChip[] }) {
  return (
    <>
      {answerParts(text, tools).map((part, index) =>
        part.kind === 'text' ? (
          <Markdown key={`t${index}`} text={part.text} />
        ) : (
          <div key={part.chips[0]!.callId} className="tool-row">
            {part.chips.map((chip) => (
              <ToolChipView key={chip.callId} chip={chip} />
            ))}
          </div>
        ),
      )}
    </>
  );
}
