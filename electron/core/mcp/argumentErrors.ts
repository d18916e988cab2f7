import { z } from 'zod';

/** Most argument problems named in one message; the rest are counted. */
const maxIssues = 3;
/** Longest argument description quoted, characters. */
const maxDescription = 160;

/** zod's own default wording (the schema's author wrote none): replaced by ours. */
const zodDefaultMessage = /^(Invalid|Too (small|big)|Expected|Unrecognized|Required)/;

/**
 * The short human text for arguments that failed a tool's schema: each argument named by its path,
 * what it needs (its `.describe()` text) and, for a wrong type, what it got. Never zod's issue JSON.
 * E.g. `run_id is required (the process id: 32 hexadecimal characters, as returned by other tools)`.
 */
export function describeArgumentIssues(shape: z.ZodRawShape, args: unknown, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, maxIssues).map((issue) => describeIssue(shape, args, issue));
  const more = issues.length - maxIssues;
  return `${parts.join('; ')}${more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : ''}.`;
}

/**
 * Checks `args` against `shape` as the MCP server does and returns the human text, or undefined when
 * they are valid (used when the SDK's own validation failed, to say why in words).
 */
export function argumentProblem(shape: z.ZodRawShape, args: unknown): string | undefined {
  const parsed = z.object(shape).safeParse(args ?? {});
  return parsed.success ? undefined : describeArgumentIssues(shape, args, parsed.error.issues);
}

function describeIssue(shape: z.ZodRawShape, args: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index ? '.' : ''}${String(key)}`)).join('');
  const about = descriptionAt(shape, issue.path);
  const why = about ? ` (${about})` : '';
  if (!path) return issue.message;
  const value = valueAt(args, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `${path} is required${why}`;
      return `${path} must be ${expectedName(issue.expected)}, got ${typeName(value)}${why}`;
    case 'invalid_value':
      return `${path} must be one of: ${issue.values.map((item) => JSON.stringify(item)).join(', ')}`;
    case 'too_small':
    case 'too_big':
      return zodDefaultMessage.test(issue.message) ? `${path} ${boundText(issue)}${why}` : ownMessage(path, issue.message);
    case 'invalid_format':
      return zodDefaultMessage.test(issue.message)
        ? `${path} must be a valid ${formatName(issue.format)}${why}`
        : ownMessage(path, issue.message);
    case 'unrecognized_keys':
      return `${path} has unknown key${issue.keys.length === 1 ? '' : 's'}: ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return `${path} is not in an accepted form${why}`;
    case 'not_multiple_of':
      return `${path} must be a multiple of ${String(issue.divisor)}`;
    default:
      return zodDefaultMessage.test(issue.message) ? `${path} is not valid${why}` : ownMessage(path, issue.message);
  }
}

/** A message the schema's author wrote: used as is, prefixed with the argument unless it names it already. */
function ownMessage(path: string, message: string): string {
  if (message.includes(path)) return message;
  return /^(must|is|needs|should|cannot)\b/.test(message) ? `${path} ${message}` : `${path}: ${message}`;
}

function boundText(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      if (small && bound === 1) return 'must not be empty';
      return `must be ${small ? 'at least' : 'at most'} ${bound} character${bound === 1 ? '' : 's'} long`;
    case 'array':
    case 'set':
      if (small && bound === 1) return 'needs at least one item';
      return `needs ${small ? 'at least' : 'at most'} ${bound} item${bound === 1 ? '' : 's'}`;
    default:
      return `must be ${small ? (inclusive ? 'at least' : 'above') : inclusive ? 'at most' : 'below'} ${bound}`;
  }
}

function expectedName(expected: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    bigint: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'an object',
    date: 'a date',
    null: 'null',
  };
  return names[expected] ?? `a ${expected}`;
}

function formatName(format: string): string {
  const names: Record<string, string> = {
    email: 'email address',
    url: 'URL',
    uuid: 'UUID',
    datetime: 'ISO 8601 date and time',
    date: 'ISO date',
  };
  return names[format] ?? format;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return `${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function valueAt(args: unknown, path: readonly PropertyKey[]): unknown {
  let current = args;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** The `.describe()` text of the schema at `path` (first sentence, lower-cased start), if any. */
function descriptionAt(shape: z.ZodRawShape, path: readonly PropertyKey[]): string | undefined {
  let schema: z.core.$ZodType | undefined = shape[String(path[0])];
  let text = describedText(schema);
  for (const key of path.slice(1)) {
    schema = childSchema(schema, key);
    if (!schema) break;
    text = describedText(schema) ?? text;
  }
  if (path.length > 1 && schema === undefined) return undefined;
  if (!text) return undefined;
  const sentence = (text.split(/(?<=\.)\s(?=[A-Z0-9])/)[0] ?? text).replace(/\.$/, '');
  const short = sentence.length > maxDescription ? `${sentence.slice(0, maxDescription - 1)}…` : sentence;
  return short.charAt(0).toLowerCase() + short.slice(1);
}

/** The description on the schema or on any wrapper inside it (optional, default, nullable, pipe). */
function describedText(schema: z.core.$ZodType | undefined): string | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 8; depth += 1) {
    const own = z.globalRegistry.get(current)?.description;
    if (own) return own;
    current = innerSchema(current);
  }
  return undefined;
}

function innerSchema(schema: z.core.$ZodType): z.core.$ZodType | undefined {
  const def = (schema as z.ZodType).def as unknown as { innerType?: z.core.$ZodType; in?: z.core.$ZodType; type: string };
  if (def.innerType) return def.innerType;
  if (def.type === 'pipe') return def.in;
  return undefined;
}

function childSchema(schema: z.core.$ZodType | undefined, key: PropertyKey): z.core.$ZodType | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 8; depth += 1) {
    const def = (current as z.ZodType).def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (def.type === 'object' && def.shape) return typeof key === 'string' ? def.shape[key] : undefined;
    if (def.type === 'array' && def.element) return typeof key === 'number' ? def.element : undefined;
    current = innerSchema(current);
  }
  return undefined;
}

/** Raw argument-validation text as MCP servers word it (this SDK, older SDKs, JSON Schema validators). */
const rawValidation = /Input validation error|Invalid arguments for tool|MCP error -32602|is a required property/i;

/**
 * For tool results from servers this gateway does not build (an external `MCP_SERVER_URL`, an SDK
 * error thrown through the protocol): raw argument-validation text rewritten into the same short
 * sentences as {@link describeArgumentIssues}, with each top-level argument's description from the
 * tool's JSON Schema when known. Any other text is returned unchanged.
 */
export function plainValidationText(
  toolName: string,
  text: string,
  inputSchema?: { properties?: Record<string, unknown> | undefined },
): string {
  if (!rawValidation.test(text)) return text;
  const detail = text.replace(/^[\s\S]*?(Invalid arguments for tool [\w-]+:|Input validation error:)\s*/i, '').replace(/^MCP error -?\d+:\s*/i, '');
  const lines = issueLines(detail);
  const about = (path: string): string => {
    const property = inputSchema?.properties?.[path.split(/[.[]/)[0] ?? ''] as { description?: unknown } | undefined;
    const description = typeof property?.description === 'string' ? property.description : '';
    const sentence = (description.split(/(?<=\.)\s(?=[A-Z0-9])/)[0] ?? '').replace(/\.$/, '');
    return sentence ? ` (${sentence.charAt(0).toLowerCase()}${sentence.slice(1, maxDescription)})` : '';
  };
  const parts = lines.slice(0, maxIssues).map(({ message, path }) => {
    const required = /^'?([\w.-]+)'? is a required property/.exec(message);
    if (required) return `${required[1]} is required${about(required[1]!)}`;
    if (!path) return message.replace(/^Invalid input:\s*/i, '');
    const type = /expected (\w+), received (\w+)/i.exec(message);
    if (type && type[2] === 'undefined') return `${path} is required${about(path)}`;
    if (type) return `${path} must be ${expectedName(type[1]!)}, got ${type[2] === 'string' ? 'text' : `a ${type[2]}`}${about(path)}`;
    const options = /expected one of (.+)$/i.exec(message);
    if (options) return `${path} must be one of: ${options[1]!.split('|').join(', ')}`;
    return ownMessage(path, message.replace(/^(Invalid input|Invalid option|Too (small|big)):\s*/i, ''));
  });
  const more = lines.length - maxIssues;
  const problem = parts.length ? `${parts.join('; ')}${more > 0 ? `; and ${more} more` : ''}.` : 'its arguments do not match its input schema.';
  return `Could not run ${toolName}: ${problem} Fix the arguments and call ${toolName} again.`;
}

/** The issues in a validation message: a JSON issue list, or one `message at path` per line. */
function issueLines(detail: string): Array<{ message: string; path?: string }> {
  const trimmed = detail.trim();
  if (trimmed.startsWith('[')) {
    try {
      const issues = JSON.parse(trimmed) as Array<{ message?: unknown; path?: unknown }>;
      return issues.map((issue) => ({
        message: String(issue.message ?? 'is not valid'),
        ...(Array.isArray(issue.path) && issue.path.length ? { path: issue.path.map(String).join('.') } : {}),
      }));
    } catch {
      // Not JSON after all: read it as lines.
    }
  }
  return trimmed
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = /^(.*) at ([\w.[\]-]+)$/.exec(line);
      return at ? { message: at[1]!, path: at[2]! } : { message: line };
    });
}
