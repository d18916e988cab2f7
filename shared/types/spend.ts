import { z } from 'zod';

/** A spending limit in US dollars (0 or more), or `null` for no limit. */
export const usdLimitSchema = z
  .number({ error: 'a limit is a number of US dollars, or empty for no limit' })
  .min(0, 'a limit cannot be negative')
  .max(1_000_000, 'a limit is at most 1,000,000 US dollars')
  .nullable();

/**
 * Spending limits on the gateway's one Anthropic key (settings `spendLimits`). Days and months
 * follow the gateway's local time zone. Each is `null` when there is no limit.
 */
export const spendLimitsSchema = z
  .object({
    /** Each teammate's spend per local day, US dollars. */
    perUserDailyUsd: usdLimitSchema,
    /** Each teammate's spend per local calendar month, US dollars. */
    perUserMonthlyUsd: usdLimitSchema,
    /** Everyone's spend together (the desk user's local chat included) per local calendar month, US dollars. */
    gatewayMonthlyUsd: usdLimitSchema,
  })
  .strict();
export type SpendLimits = z.infer<typeof spendLimitsSchema>;

/** No limits: the default. */
export const noSpendLimits = (): SpendLimits => ({ perUserDailyUsd: null, perUserMonthlyUsd: null, gatewayMonthlyUsd: null });

/** The names of the limits, as `BUDGET_EXCEEDED` and `budget_warning` report them. */
export const spendLimitNames = ['perUserDailyUsd', 'perUserMonthlyUsd', 'gatewayMonthlyUsd'] as const;
export type SpendLimitName = (typeof spendLimitNames)[number];

/** A tool name as the MCP server lists it. */
export const toolNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a tool name is 1–64 letters, digits, "_", "." or "-"');

const toolListSchema = z.array(toolNameSchema).max(500, 'at most 500 tools per list');

/** One rule set: tools not offered at all, and tools that always ask for approval first. */
export const toolRuleSchema = z
  .object({
    /** Not offered to the model, refused on the MCP port. */
    disabled: toolListSchema.default([]),
    /** Ask the user before every call, whatever the approval policy says. */
    alwaysAsk: toolListSchema.default([]),
  })
  .strict();
export type ToolRule = z.infer<typeof toolRuleSchema>;

/** The Tallyfy roles a rule can target (as Tallyfy reports them at sign-in). */
export const toolPolicyRoles = ['admin', 'standard', 'light'] as const;
export type ToolPolicyRole = (typeof toolPolicyRoles)[number];

/**
 * What the assistant may do on the admin's watch (settings `toolPolicy`): rules for everyone, plus
 * rules added for one Tallyfy role. A teammate gets the union of both.
 */
export const toolPolicySchema = toolRuleSchema
  .extend({
    byRole: z
      .object({ admin: toolRuleSchema.optional(), standard: toolRuleSchema.optional(), light: toolRuleSchema.optional() })
      .strict()
      .default({}),
  })
  .strict();
export type ToolPolicy = z.infer<typeof toolPolicySchema>;

/** The default policy: every tool offered, approvals as the approval policy says. */
export const emptyToolPolicy = (): ToolPolicy => ({ disabled: [], alwaysAsk: [], byRole: {} });

/** A calendar day in the gateway's time zone, `YYYY-MM-DD`. */
export const dayKeySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is written YYYY-MM-DD');

/** Token counts and their price. */
const spendAmountsSchema = z.object({
  /** US dollars, from the dated price table (an estimate: the bill is Anthropic's). */
  usd: z.number().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  /** Model calls (rounds) that reported usage. */
  calls: z.number().int().nonnegative(),
});
export type SpendAmounts = z.infer<typeof spendAmountsSchema>;

/** One user's spend on one day. */
export const usageDayRowSchema = spendAmountsSchema.extend({
  day: dayKeySchema,
  orgId: z.string(),
  orgName: z.string().optional(),
  userId: z.string(),
  name: z.string(),
  email: z.string(),
});
export type UsageDayRow = z.infer<typeof usageDayRowSchema>;

/** A limit at or past 80% in its current period. */
export const budgetWarningSchema = z.object({
  limit: z.enum(spendLimitNames),
  /** Who: absent for the gateway-wide limit. */
  user: z.object({ orgId: z.string(), userId: z.string(), name: z.string(), email: z.string() }).optional(),
  spentUsd: z.number(),
  limitUsd: z.number(),
  /** When the period ends, ms since the epoch. */
  resetsAt: z.number(),
  /** True when the limit is reached (queries are refused). */
  exceeded: z.boolean(),
});
export type BudgetWarning = z.infer<typeof budgetWarningSchema>;

/** `usage.report`: days `from`..`to` inclusive (default: this month so far). */
export const usageReportInputSchema = z
  .object({ from: dayKeySchema.optional(), to: dayKeySchema.optional() })
  .strict()
  .refine((input) => !input.from || !input.to || input.from <= input.to, { message: '"from" must not be after "to"' });
export type UsageReportInput = z.infer<typeof usageReportInputSchema>;

/** The Usage page: spend and tokens per user and org per day, top users, the gateway's month against its limit. */
export const usageReportSchema = z.object({
  from: dayKeySchema,
  to: dayKeySchema,
  /** The gateway's IANA time zone (days and months follow it). */
  timeZone: z.string(),
  /** The date of the price table used. */
  pricesAsOf: z.string(),
  /** One row per user per day with spend, oldest day first. */
  days: z.array(usageDayRowSchema),
  /** Users by spend in the range, highest first. */
  users: z.array(spendAmountsSchema.extend({ orgId: z.string(), userId: z.string(), name: z.string(), email: z.string() })),
  /** Organizations by spend in the range, highest first. */
  orgs: z.array(spendAmountsSchema.extend({ orgId: z.string(), orgName: z.string().optional() })),
  totals: spendAmountsSchema,
  /** The gateway's current month, whatever the range. */
  gatewayMonth: z.object({ month: z.string(), spentUsd: z.number(), limitUsd: z.number().nullable(), resetsAt: z.number() }),
  limits: spendLimitsSchema,
  /** Limits at 80% or more in their current period. */
  warnings: z.array(budgetWarningSchema),
});
export type UsageReport = z.infer<typeof usageReportSchema>;
