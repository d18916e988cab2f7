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

/**
 * Serves the browser build (`out/web`): `/` → chat.html, `/admin` → index.html, `/assets/*`
 * and other top-level files as they are. Returns false when nothing matched (the caller 404s).
 * Hashed assets are cached for a year; HTML is never cached.
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
  res.writeHead(200, {
    'content-type': type,
    'content-length': size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...pageHeaders,
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  createReadStream(file).pipe(res);
  return true;
}
