import { z } from 'zod';

import { spendLimitsSchema, toolPolicySchema } from './spend';

/**
 * When the user is asked before a tool runs: `writes` (default) before every tool not marked
 * read-only, `all` before every tool, `never` not at all (the agent's `approvalPolicy`).
 */
export const approvalPolicySchema = z.enum(['writes', 'all', 'never']);
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A Tallyfy organization id: 1–100 letters, digits, `-` or `_`. */
export const orgIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'an organization id is letters and digits');

/** The settings the admin may edit (everything but secrets). */
export const editableSettingsSchema = z.object({
  /** Interface the gateway binds to: `127.0.0.1` (this machine only), `0.0.0.0` (every LAN interface) or one IPv4 address. */
  host: z.string().trim().regex(ipv4, 'the bind address must be an IPv4 address such as 127.0.0.1 or 0.0.0.0'),
  /**
   * HTTPS + WSS on the gateway port. Absent: on whenever the bind address reaches beyond this
   * machine (the LAN); `false` turns it off (keys then cross the LAN in clear); `true` also on loopback.
   */
  tls: z.boolean().optional(),
  /** Gateway port (WebSocket, web chat, admin). 0 picks a free port. */
  port: z.number().int().min(0, 'a port is 0–65535').max(65535, 'a port is 0–65535'),
  /** MCP Streamable HTTP port on 127.0.0.1. 0 picks a free port. */
  mcpPort: z.number().int().min(0, 'a port is 0–65535').max(65535, 'a port is 0–65535'),
  /** Teammates must give it when the gateway is on the LAN. Absent: generated when the gateway is exposed. */
  accessCode: z.string().trim().min(4, 'the access code needs at least 4 characters').max(128).optional(),
  /** When not empty, only these Tallyfy organizations may sign in. */
  allowedOrgs: z.array(orgIdSchema).max(100),
  /** Minutes of inactivity before a session is closed (1–1440). */
  idleTimeoutMinutes: z.number().int('whole minutes').min(1, 'at least 1 minute').max(1440, 'at most 24 hours'),
  approvalPolicy: approvalPolicySchema,
  /** Claude model id. */
  anthropicModel: z.string().trim().min(1, 'choose a model').max(100),
  /** The desk user's Tallyfy organization id, for the local chat pane. */
  tallyfyOrgId: z.union([orgIdSchema, z.literal('')]).optional(),
  /** Spending limits on the Anthropic key (docs/spend.md); each `null` = no limit. */
  spendLimits: spendLimitsSchema,
  /** Tools disabled or always asked about, for everyone or per Tallyfy role (docs/spend.md). */
  toolPolicy: toolPolicySchema,
});
export type EditableSettings = z.infer<typeof editableSettingsSchema>;

/** Secrets the settings hold. Never sent to the renderer: the view says only whether each is set. */
export const secretNames = ['anthropicApiKey', 'tallyfyApiKey'] as const;
export const secretNameSchema = z.enum(secretNames);
export type SecretName = z.infer<typeof secretNameSchema>;

/** What the admin may know about a secret. */
export const secretStatusSchema = z.object({
  set: z.boolean(),
  /** A mask with at most the last 4 characters, e.g. `••••••••wxyz`; absent for short secrets. */
  masked: z.string().optional(),
  /** `environment` when an environment variable or flag provides it (the settings cannot change that). */
  source: z.enum(['settings', 'environment']).optional(),
});
export type SecretStatus = z.infer<typeof secretStatusSchema>;

/** How secrets are kept on this machine. */
export const secretStorageSchema = z.enum(['safeStorage', 'file', 'memory']);
export type SecretStorage = z.infer<typeof secretStorageSchema>;

/** The settings as the admin view shows them: editable values, secret status, where things are kept. */
export const settingsViewSchema = editableSettingsSchema.extend({
  secrets: z.object({ anthropicApiKey: secretStatusSchema, tallyfyApiKey: secretStatusSchema }),
  secretStorage: secretStorageSchema,
  /** Folder holding settings.json (and secrets in headless mode). */
  dataDir: z.string(),
  /** Keys whose effective value comes from a flag or environment variable and overrides the saved one. */
  overridden: z.array(z.string()),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

/** A secret change: a new value, or `null` to forget it. */
const secretInputSchema = z.string().trim().min(1, 'paste the key, or clear it').max(4096).nullable();

/** `settings.update`: any subset of the editable settings, plus secret changes. */
export const settingsUpdateSchema = editableSettingsSchema
  .partial()
  .extend({
    accessCode: z.string().trim().min(4, 'the access code needs at least 4 characters').max(128).nullable().optional(),
    /** Only the limits given change. */
    spendLimits: spendLimitsSchema.partial().optional(),
    /** `null` goes back to the default (TLS whenever on the LAN). */
    tls: z.boolean().nullable().optional(),
    secrets: z.object({ anthropicApiKey: secretInputSchema.optional(), tallyfyApiKey: secretInputSchema.optional() }).strict().optional(),
  })
  .strict();
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

/** What `settings.update` did: the new view, keys applied now, keys that take effect after a restart. */
export const settingsUpdateResultSchema = z.object({
  settings: settingsViewSchema,
  applied: z.array(z.string()),
  restartRequired: z.array(z.string()),
});
export type SettingsUpdateResult = z.infer<typeof settingsUpdateResultSchema>;
