import { z } from 'zod';

/** A failure as the admin API reports it: a stable `code` and a message for the user. */
export const adminErrorSchema = z.object({ code: z.string(), message: z.string() });
export type AdminError = z.infer<typeof adminErrorSchema>;

/** Every admin call answers `{ ok: true, data }` or `{ ok: false, error }`; it never throws across the boundary. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: AdminError };

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });
export const fail = (code: string, message: string): Result<never> => ({ ok: false, error: { code, message } });
