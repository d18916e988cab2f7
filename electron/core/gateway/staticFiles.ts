import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Security headers for every page the gateway serves. */
export const pageHeaders: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/** Encodings the web build is precompressed in (`vite.web.config.ts`), best first, with their file suffix. */
const precompressed = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/**
 * The first of `offered` (best first) that an `Accept-Encoding` header accepts: a listed coding
 * or `*` with q > 0, the highest q winning (ties go to the earlier offer). Undefined: send as is.
 */
export function acceptedEncoding(header: string | undefined, offered: readonly string[]): string | undefined {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    const weight = q === undefined ? 1 : Number(q);
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  let best: { name: string; q: number } | undefined;
  for (const name of offered) {
    const q = weights.get(name) ?? weights.get('*') ?? 0;
    if (q > 0 && (!best || q > best.q)) best = { name, q };
  }
  return best?.name;
}

/**
 * Serves the browser build (`out/web`): `/` → chat.html, `/admin` → index.html, `/assets/*`
 * and other top-level files as they are. Returns false when nothing matched (the caller 404s).
 * Hashed assets are cached for a year; HTML is never cached. When the build left a `.br` or
 * `.gz` copy beside a file, a browser that accepts that encoding gets the copy
 * (`Content-Encoding`, `Vary: Accept-Encoding`), same cache headers.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, webRoot: string, path: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let relative: string;
  if (path === '/' || path === '/index.html' || path === '/chat' || path === '/chat.html') relative = 'chat.html';
  else if (path === '/admin' || path === '/admin/') relative = 'index.html';
  else {
    try {
      relative = decodeURIComponent(path).replace(/^\/+/, '');
    } catch {
      return false;
    }
  }
  const root = resolve(webRoot);
  const file = normalize(join(root, relative));
  if (file !== root && !file.startsWith(root + sep)) return false;
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    size = info.size;
  } catch {
    return false;
  }
  const type = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const immutable = relative.startsWith('assets/');
  // A precompressed copy, if the build made one and the browser takes its encoding.
  const copies = (
    await Promise.all(precompressed.map(async (option) => ({ ...option, info: await stat(file + option.suffix).catch(() => undefined) })))
  ).filter((copy) => copy.info?.isFile());
  const encoding = acceptedEncoding(
    req.headers['accept-encoding'],
    copies.map((copy) => copy.encoding),
  );
  const chosen = copies.find((copy) => copy.encoding === encoding);
  const body = chosen ? file + chosen.suffix : file;
  if (chosen?.info) size = chosen.info.size;
  const varies = copies.length > 0;
  res.writeHead(200, {
    'content-type': type,
    'content-length': size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...(encoding ? { 'content-encoding': encoding } : {}),
    ...(varies ? { vary: 'accept-encoding' } : {}),
    ...pageHeaders,
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  createReadStream(body).pipe(res);
  return true;
}
