import { z } from 'zod';

/** A Tallyfy organization id: 32 hexadecimal characters (any case). The one definition: the core and the renderer use it. */
export const orgIdPattern = /^[0-9a-f]{32}$/i;

/** An organization id as Tallyfy issues it; the message says what is expected. */
export const orgIdSchema = z.string().regex(orgIdPattern, 'must be a 32-character hexadecimal Tallyfy organization id');
