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

/** `hash` without the `name` parameter (`#code=X&y=1` → `#y=1`; `#code=X` → ``). */
export function withoutHashParam(hash: string, name: string): string {
  const kept = hash
    .replace(/^#/, '')
    .split('&')
    .filter((part) => part !== '' && part.split('=')[0] !== name);
  return kept.length ? `#${kept.join('&')}` : '';
}

/**
 * Removes `name` from the address bar's fragment without a reload or a history entry, so a
 * secret read from it (the invite's access code) stays neither on screen nor in the history.
 */
export function removeHashParam(
  name: string,
  where: Pick<Location, 'hash' | 'pathname' | 'search'> = window.location,
  history: Pick<History, 'replaceState'> = window.history,
): void {
  const hash = withoutHashParam(where.hash, name);
  if (hash === where.hash) return;
  history.replaceState(null, '', `${where.pathname}${where.search}${hash}`);
}
