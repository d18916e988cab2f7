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
