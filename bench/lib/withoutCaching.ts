/**
 * Wraps `base` so every JSON request body loses its `cache_control` markers: the same conversation
 * as the agent sends it, without prompt caching (the bench's uncached baseline).
 */
export function withoutCaching(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    if (typeof init?.body === 'string' && init.body.includes('cache_control')) {
      const strip = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(strip);
        if (value && typeof value === 'object') {
          const out: Record<string, unknown> = {};
          for (const [key, inner] of Object.entries(value)) if (key !== 'cache_control') out[key] = strip(inner);
          return out;
        }
        return value;
      };
      return base(input, { ...init, body: JSON.stringify(strip(JSON.parse(init.body))) });
    }
    return base(input, init);
  };
}
