import { answerParts } from './answerParts';
import type { ChatIdentity, ChatItem } from './chatState';

/**
 * Copies `text` to the clipboard. The async Clipboard API needs a secure context, which a LAN
 * `http://` page is not, so it falls back to a hidden textarea and `execCommand('copy')`.
 * Resolves true when the text was copied.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the old way.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  let copied: boolean;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}

/** The conversation as a Markdown document (questions, answers with their tool calls, notes). */
export function conversationMarkdown(items: readonly ChatItem[], identity: ChatIdentity | undefined, now = Date.now()): string {
  const lines: string[] = [`# Tallyfy Assistant conversation`, ''];
  if (identity)
    lines.push(`${identity.user.name} · ${identity.org.name ?? identity.org.id} · exported ${new Date(now).toLocaleString()}`, '');
  for (const item of items) {
    const when = new Date(item.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    switch (item.kind) {
      case 'user':
        lines.push(`## You (${when})`, '', item.text, '');
        break;
      case 'assistant':
        lines.push(`## Assistant (${when})`, '');
        // Each tool call where it happened in the answer, as on screen.
        for (const part of answerParts(item.text, item.tools)) {
          if (part.kind === 'text') lines.push(part.text.trim(), '');
          else {
            for (const chip of part.chips)
              lines.push(`- Tool: \`${chip.tool}\` (${chip.status}${chip.durationMs !== undefined ? `, ${chip.durationMs} ms` : ''})`);
            lines.push('');
          }
        }
        if (!item.text.trim()) lines.push('_(no answer)_', '');
        if (item.cancelled) lines.push('_Stopped._', '');
        break;
      case 'info':
        lines.push(`> ${item.text.replace(/\n/g, '\n> ')}`, '');
        break;
      case 'error':
        lines.push(`> **Error:** ${item.text}`, '');
        break;
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
