import type { z } from 'zod';

import { clientMessageSchema, clientMessageTypes, type ClientMessage } from './clientMessages';
import type { ErrorCode } from './errorCodes';
import type { Extension } from './extensions';
import { serverMessageSchema, type ServerMessage, type ServerMessageType } from './serverMessages';

/** A decoded frame: the message, or why it was refused (a stable code and a readable message). */
export type Decoded<T> = { ok: true; message: T } | { ok: false; code: ErrorCode; message: string };

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * Parses one client text frame. Never throws: bad JSON → `BAD_JSON`, a non-object or an
 * unknown `type` → `UNKNOWN_TYPE`, a known type with bad fields → `BAD_MESSAGE`.
 */
export function decodeClientFrame(text: string): Decoded<ClientMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, code: 'BAD_JSON', message: 'The message is not valid JSON. Send one JSON object per frame, e.g. {"type":"ping"}.' };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, code: 'BAD_MESSAGE', message: 'The message must be a JSON object with a "type".' };
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string') {
    return { ok: false, code: 'BAD_MESSAGE', message: 'The message has no "type" string.' };
  }
  if (!(clientMessageTypes as readonly string[]).includes(type)) {
    return {
      ok: false,
      code: 'UNKNOWN_TYPE',
      message: `Unknown message type "${type.slice(0, 40)}". Known types: ${clientMessageTypes.join(', ')}.`,
    };
  }
  const parsed = clientMessageSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, code: 'BAD_MESSAGE', message: `Invalid "${type}" message: ${describe(parsed.error)}.` };
  return { ok: true, message: parsed.data };
}

/** Parses one server frame (for clients). Unknown types are refused with `UNKNOWN_TYPE`. */
export function decodeServerFrame(text: string): Decoded<ServerMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, code: 'BAD_JSON', message: 'The server sent text that is not JSON.' };
  }
  const parsed = serverMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const type = raw && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
    return { ok: false, code: 'UNKNOWN_TYPE', message: `Unexpected server message ${JSON.stringify(type)}: ${describe(parsed.error)}` };
  }
  return { ok: true, message: parsed.data };
}

/** Serialises a message as one text frame. */
export function encodeFrame(message: ServerMessage | ClientMessage | Record<string, unknown>): string {
  return JSON.stringify(message);
}

/** The extension a server message type belongs to; `undefined` for the original types (always allowed). */
export const extensionOfServerType: Partial<Record<ServerMessageType, Extension | 'hello'>> = {
  welcome: 'hello',
  delta: 'stream',
  tool_call: 'tools',
  tool_result: 'tools',
  approval_request: 'approvals',
  approval_resolved: 'approvals',
  question: 'questions',
  question_resolved: 'questions',
  cancelled: 'cancel',
  resumed: 'resume',
  idle_warning: 'idle',
};

/**
 * True when a client that negotiated `extensions` (and said `hello` or not) may receive a
 * message of `type`. The gateway checks this before every send, so an old client never
 * receives a type it does not know.
 */
export function mayReceive(type: ServerMessageType, extensions: ReadonlySet<Extension>, saidHello: boolean): boolean {
  const needed = extensionOfServerType[type];
  if (needed === undefined) return true;
  if (needed === 'hello') return saidHello;
  return extensions.has(needed);
}
