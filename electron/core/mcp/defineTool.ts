import type { z } from 'zod';

import type { TallyfyClient } from '../tallyfy/client';

import type { ToolHints } from './toolHost';

/** The areas tools are grouped in (docs and the catalog). */
export const toolAreas = [
  'organization',
  'tasks',
  'comments',
  'processes',
  'templates',
  'steps',
  'form_fields',
  'kickoff',
  'automations',
  'people',
  'groups',
  'search',
  'tags',
  'folders',
  'interaction',
  'analysis',
  'api',
] as const;

export type ToolArea = (typeof toolAreas)[number];

/** What a tool does to Tallyfy: reads, writes (creates or changes) or destroys/archives/removes. */
export type ToolEffect = 'read' | 'write' | 'destructive';

/** What a tool handler gets besides its arguments. */
export interface ToolContext {
  /** The Tallyfy client of THIS server's credential set: the only thing a tool can reach. */
  readonly client: TallyfyClient;
  /** Aborted when the MCP request is cancelled. */
  readonly signal: AbortSignal;
  /** The org's IANA timezone (then the caller's), read once per server (a failed lookup is tried again next call); undefined when neither is set. */
  timezone(): Promise<string | undefined>;
  /**
   * Asks the human through the MCP client (`elicitation/create`) and returns their answer; undefined when the
   * client did not declare the elicitation capability (then the tool returns the question as its result).
   */
  readonly elicit?: (request: ElicitRequest) => Promise<ElicitAnswer>;
}

/** A form question for {@link ToolContext.elicit}: a message and a flat JSON Schema of primitive fields. */
export interface ElicitRequest {
  message: string;
  requestedSchema: { type: 'object'; properties: Record<string, Record<string, unknown>>; required?: string[] };
}

/** The human's reply: accepted with content, declined, or cancelled (dismissed). */
export interface ElicitAnswer {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown>;
}

/** A tool as written in `tools/<area>.ts`. */
export interface ToolSpec<Shape extends z.ZodRawShape> {
  /** snake_case name; Tallyfy's own server's name when the tool does the same job. */
  name: string;
  /** Short human title. */
  title: string;
  area: ToolArea;
  effect: ToolEffect;
  /** Calling twice with the same arguments has no further effect. Default: true for reads, false otherwise. */
  idempotent?: boolean;
  /** Reaches Tallyfy (an external system). Default true; false for pure offline checks. */
  openWorld?: boolean;
  /** What it does, when to use it, and what it returns: written for a model to act on. */
  description: string;
  /** zod raw shape of the arguments; every field has a `.describe()`. */
  input: Shape;
  /**
   * Rewrites a documented older argument shape (e.g. flat `title` instead of `template_data.title`) into the
   * official one before validation. Costs no definition size: the schema shows only the official shape.
   */
  aliases?: (args: Record<string, unknown>) => Record<string, unknown>;
  /**
   * For read tools: the shape of the answer, announced as `outputSchema`; the answer then also comes as
   * `structuredContent`. Loose on purpose (extra keys pass), so result shaping can evolve without breaking calls.
   */
  output?: z.ZodObject;
  /** Does the work and returns a JSON-able answer; throws TallyfyError/ToolInputError on failure. */
  run(args: z.infer<z.ZodObject<Shape>>, ctx: ToolContext): Promise<unknown>;
}

/** A tool with its argument type erased, as the server and the catalog hold it. */
export interface Tool {
  readonly name: string;
  readonly title: string;
  readonly area: ToolArea;
  readonly effect: ToolEffect;
  readonly description: string;
  readonly input: z.ZodRawShape;
  readonly annotations: Required<Omit<ToolHints, 'title'>> & { title: string };
  /** See {@link ToolSpec.output}. */
  readonly output?: z.ZodObject;
  /** See {@link ToolSpec.aliases}. */
  readonly aliases?: (args: Record<string, unknown>) => Record<string, unknown>;
  /** `args` must already be validated against `input` (the MCP server does it). */
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<unknown>;
}

/** Truthful MCP annotations from a tool's effect. */
export function annotationsFor(spec: Pick<ToolSpec<z.ZodRawShape>, 'title' | 'effect' | 'idempotent' | 'openWorld'>): Tool['annotations'] {
  return {
    title: spec.title,
    readOnlyHint: spec.effect === 'read',
    destructiveHint: spec.effect === 'destructive',
    idempotentHint: spec.idempotent ?? spec.effect === 'read',
    openWorldHint: spec.openWorld ?? true,
  };
}

/** Declares a tool: keeps the typed handler, exposes the erased {@link Tool}. */
export function defineTool<Shape extends z.ZodRawShape>(spec: ToolSpec<Shape>): Tool {
  return {
    name: spec.name,
    title: spec.title,
    area: spec.area,
    effect: spec.effect,
    description: spec.description,
    input: spec.input,
    annotations: annotationsFor(spec),
    ...(spec.aliases ? { aliases: spec.aliases } : {}),
    ...(spec.output ? { output: spec.output } : {}),
    // The MCP server validated `args` against `spec.input` before this runs.
    run: (args, ctx) => spec.run(args as z.infer<z.ZodObject<Shape>>, ctx),
  };
}

/** A tool's arguments make sense to zod but not together (e.g. neither id nor name): a result the model can fix. */
export class ToolInputError extends Error {
  readonly code = 'TOOL_INPUT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}

/** Something the tool looked up by name or inside another object was not there. */
export class ToolLookupError extends Error {
  readonly code = 'TOOL_LOOKUP_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'ToolLookupError';
  }
}

/** Moves the listed top-level keys of `args` into `args[into]` when `into` is absent: the flat-shape alias of a nested argument. */
export function nestAlias(into: string, keys: readonly string[], rename: Record<string, string> = {}) {
  return (args: Record<string, unknown>): Record<string, unknown> => {
    if (args[into] !== undefined) return args;
    const moved: Record<string, unknown> = {};
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(args)) {
      if (keys.includes(key)) moved[rename[key] ?? key] = value;
      else rest[key] = value;
    }
    return Object.keys(moved).length > 0 ? { ...rest, [into]: moved } : args;
  };
}

/** Renames documented older argument names to the official ones (an official name already given wins). */
export function renameAlias(names: Record<string, string>) {
  return (args: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...args };
    for (const [old, official] of Object.entries(names)) {
      if (old in out) {
        if (out[official] === undefined) out[official] = out[old];
        delete out[old];
      }
    }
    return out;
  };
}
