import { redact, type SecretRegistry } from '../log/redact';

/** Shortens argument values for display and redacts secrets (never the full payload). */
export function displayArgs(args: Record<string, unknown>, secrets: SecretRegistry): Record<string, unknown> {
  const shorten = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return value.length > 160 ? `${value.slice(0, 157)}…` : value;
    if (Array.isArray(value)) return depth > 2 ? `[${value.length} items]` : value.slice(0, 10).map((item) => shorten(item, depth + 1));
    if (value && typeof value === 'object') {
      if (depth > 2) return '{…}';
      return Object.fromEntries(
        Object.entries(value)
          .slice(0, 20)
          .map(([key, item]) => [key, shorten(item, depth + 1)]),
      );
    }
    return value;
  };
  return shorten(redact(args, secrets), 0) as Record<string, unknown>;
}
