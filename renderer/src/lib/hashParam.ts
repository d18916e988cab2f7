/**
 * One `name=value` parameter of a URL fragment (`#token=…&code=…`), percent-decoded (`+` stays
 * `+`); undefined when absent or empty. `name` is a plain word. Fragments carry what must not
 * reach a server or its logs: the admin token, the access code.
 */
export function hashParam(hash: string, name: string): string | undefined {
  const raw = new RegExp(`(?:^#?|&)${name}=([^&]*)`).exec(hash)?.[1];
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
