import type { Route } from './routes/context';

/** A compiled org-scoped route. */
interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

/** Matches org-relative paths (`/tasks/abc`) against `:param` patterns. First match wins. */
export class Router {
  readonly #routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.#routes = routes.map((route) => {
      const names: string[] = [];
      const source = route.pattern
        .split('/')
        .map((part) => {
          if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(part.slice(1));
          return '([^/]+)';
        })
        .join('/');
      return { route, names, regex: new RegExp(`^${source}/?$`) };
    });
  }

  /** The route for `method` and `path`, `'method'` when only other methods match, or undefined. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const compiled of this.#routes) {
      const found = compiled.regex.exec(path);
      if (!found) continue;
      if (compiled.route.method !== method) {
        pathMatched = true;
        continue;
      }
      const params: Record<string, string> = {};
      compiled.names.forEach((name, index) => (params[name] = decodeURIComponent(found[index + 1] ?? '')));
      return { route: compiled.route, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}
