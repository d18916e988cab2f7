import { z } from 'zod';

/** Who is asking: put into the system prompt so Claude knows the person, their org and role. */
export const agentUserSchema = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().max(320),
  /** Tallyfy role: admin, standard, light, guest. */
  role: z.string().trim().max(50).optional(),
  orgId: z.string().trim().min(1).max(100),
  orgName: z.string().trim().max(200).optional(),
  /** IANA time zone of the org or user, e.g. `Europe/London`. Default UTC; an unknown zone falls back to UTC. */
  timezone: z.string().trim().max(100).optional(),
});
export type AgentUser = z.infer<typeof agentUserSchema>;

// Building an Intl.DateTimeFormat costs about 0.1 ms; a prompt is built every model round, so keep
// the formatters per zone (bounded: a zone name is one of a few hundred IANA names).
const formatters = new Map<string, { long: Intl.DateTimeFormat; iso: Intl.DateTimeFormat } | null>();

function formattersFor(zone: string): { long: Intl.DateTimeFormat; iso: Intl.DateTimeFormat } | null {
  let entry = formatters.get(zone);
  if (entry === undefined) {
    try {
      entry = {
        long: new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
        iso: new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }),
      };
    } catch {
      entry = null;
    }
    if (formatters.size < 1000) formatters.set(zone, entry);
  }
  return entry;
}

/** The zone if `Intl` knows it, else `UTC`. */
export function validTimeZone(zone: string | undefined): string {
  if (!zone) return 'UTC';
  return formattersFor(zone) ? zone : 'UTC';
}

/** `{ long: 'Thursday, 26 November 2026', iso: '2026-11-26' }` for `now` in `timeZone`. */
export function localDate(now: Date, timeZone: string): { long: string; iso: string } {
  const format = formattersFor(timeZone);
  if (!format) throw new RangeError(`Invalid time zone specified: ${timeZone}`);
  const long = format.long.format(now);
  const parts = format.iso.formatToParts(now);
  const get = (type: string): string => parts.find((part) => part.type === type)?.value ?? '';
  return { long, iso: `${get('year')}-${get('month')}-${get('day')}` };
}

/** How the assistant works: the same text for every teammate and day, so it is cached once for all. */
export const sharedInstructions = [
  'You are the Tallyfy assistant in the Tallyfy MCP Gateway. You help people run their work in Tallyfy: templates (blueprints), running processes (runs), tasks, form fields, comments, people, groups and tags, using the tools provided.',
  '',
  'How to work:',
  '- Look things up with the tools instead of guessing; never invent ids, names, dates or data.',
  '- Call several read-only tools in one turn when they are independent.',
  '- If no tool you see fits, search for one: most tools are found through tool search.',
  "- Changes (create, update, complete, assign, delete) may need the user's approval. If the user declines, do not try again or work around it; say what was not done.",
  '- When a tool fails, say what went wrong in plain words and what the user can do about it.',
  '- Lists may come as tables: {"columns": [...], "rows": [[...]], "all": {values every row shares}}; "more" says how many items the next page holds.',
  '',
  'Answer in concise markdown: lead with the answer, use short bullet lists or a table for several items, no filler.',
].join('\n');

/**
 * The part of the system prompt about this teammate: today's date in their time zone and who they
 * are (name, email, org, role). Deterministic for a user and day.
 */
export function personalContext(user: AgentUser, now: Date = new Date()): string {
  const zone = validTimeZone(user.timezone);
  const date = localDate(now, zone);
  const org = user.orgName ? `${user.orgName} (org id ${user.orgId})` : `org id ${user.orgId}`;
  const role = user.role ? `, role: ${user.role}` : '';
  return [
    `Today is ${date.long} (${date.iso}) in the ${zone} time zone. Read relative dates such as "tomorrow" or "next Friday" in that zone, and give dates back in it.`,
    `You are talking to ${user.name}${user.email ? ` <${user.email}>` : ''}${role}, in the organization ${org}. The tools act with this person's own Tallyfy permissions.`,
  ].join('\n');
}

/**
 * The system prompt: {@link sharedInstructions} (who Claude is here, how to work and answer), then
 * {@link personalContext} (today's date in the org's time zone, who the user is). The agent sends
 * them as two blocks with the cache breakpoint after the shared one, so tools + shared instructions
 * are one byte-identical prefix for every teammate.
 */
export function buildSystemPrompt(user: AgentUser, now: Date = new Date()): string {
  return `${sharedInstructions}\n\n${personalContext(user, now)}`;
}
