import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

import { afterEach, describe, expect, it } from 'vitest';

import { createHttpFetch, type HttpFetch } from './httpFetch';

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(handler: Handler): Promise<{ url: string; server: Server; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handler(req, res));
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(
    () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, connections: () => connections };
}

function lean(): HttpFetch {
  const fetch = createHttpFetch();
  cleanups.push(() => fetch.close());
  return fetch;
}

describe('createHttpFetch', () => {
  it('sends method, headers and body, and returns status, headers and a JSON body', async () => {
    const { url } = await serve(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      res.writeHead(201, { 'content-type': 'application/json', 'x-seen': String(req.headers['x-custom']) });
      res.end(JSON.stringify({ method: req.method, path: req.url, body: Buffer.concat(chunks).toString() }));
    });
    const response = await lean()(`${url}/a?b=1`, { method: 'post', headers: new Headers({ 'X-Custom': 'yes', 'content-type': 'application/json' }), body: '{"x":1}' });
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get('x-seen')).toBe('yes');
    expect(response.url).toBe(`${url}/a?b=1`);
    expect(await response.json()).toEqual({ method: 'POST', path: '/a?b=1', body: '{"x":1}' });
  });

  it('streams the body chunk by chunk: the first event arrives before the server writes the second', async () => {
    let releaseSecond!: () => void;
    const second = new Promise<void>((resolve) => (releaseSecond = resolve));
    const { url } = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: one\ndata: 1\n\n');
      await second;
      res.end('event: two\ndata: 2\n\n');
    });
    const response = await lean()(url);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('event: one\ndata: 1\n\n');
    releaseSecond();
    const rest = await reader.read();
    expect(new TextDecoder().decode(rest.value)).toBe('event: two\ndata: 2\n\n');
    expect((await reader.read()).done).toBe(true);
  });

  it('keeps connections alive: sequential requests share one socket', async () => {
    const { url, connections } = await serve((_req, res) => res.end('ok'));
    const fetch = lean();
    for (let i = 0; i < 5; i++) expect(await (await fetch(url)).text()).toBe('ok');
    expect(connections()).toBe(1);
  });

  it('keeps a streaming body open through a pause longer than the idle-socket timeout', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      setTimeout(() => res.end('data: 2\n\n'), 600);
    });
    const fetch = createHttpFetch({ idleTimeoutMs: 150 });
    cleanups.push(() => fetch.close());
    expect(await (await fetch(url)).text()).toBe('data: 1\n\ndata: 2\n\n');
  });

  it('retries once on a new socket when the server closed the idle keep-alive socket', async () => {
    const { url, server, connections } = await serve((_req, res) => res.end('ok'));
    const fetch = createHttpFetch({ idleTimeoutMs: 60_000 });
    cleanups.push(() => fetch.close());
    expect(await (await fetch(url)).text()).toBe('ok');
    // The server drops the idle socket without the agent noticing in time.
    server.closeIdleConnections();
    expect(await (await fetch(url, { method: 'POST', body: 'x' })).text()).toBe('ok');
    expect(connections()).toBe(2);
  });

  it('rejects with the AbortError when aborted before the headers, and the server sees the close', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const { url } = await serve((req) => {
      req.socket.once('close', () => closed());
    });
    const controller = new AbortController();
    const pending = lean()(url, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await serverSawClose;
  });

  it('rejects at once for an already aborted signal', async () => {
    const { url } = await serve((_req, res) => res.end('ok'));
    await expect(lean()(url, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('errors the body stream with the AbortError when aborted mid-body', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    });
    const controller = new AbortController();
    const response = await lean()(url, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('errors the body with TypeError("terminated") when the connection resets mid-body', async () => {
    const { url } = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial', () => setTimeout(() => req.socket.resetAndDestroy(), 10));
    });
    const response = await lean()(url);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('rejects with TypeError("fetch failed") carrying the cause when nothing listens', async () => {
    const { url, server } = await serve((_req, res) => res.end());
    await new Promise<void>((done) => server.close(() => done()));
    const failure = await lean()(url).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).message).toBe('fetch failed');
    expect(((failure as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('decodes gzip bodies', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
      res.end(gzipSync('hello zipped'));
    });
    expect(await (await lean()(url)).text()).toBe('hello zipped');
  });

  it('returns a null body for 204 and HEAD', async () => {
    const { url } = await serve((req, res) => {
      res.writeHead(req.method === 'HEAD' ? 200 : 204, { 'content-length': req.method === 'HEAD' ? '5' : '0' });
      res.end();
    });
    const fetch = lean();
    expect((await fetch(url, { method: 'DELETE' })).body).toBeNull();
    expect((await fetch(url, { method: 'HEAD' })).body).toBeNull();
  });

  it('hands redirects to the fallback fetch', async () => {
    const { url } = await serve((req, res) => {
      if (req.url === '/old') {
        res.writeHead(302, { location: '/new' });
        res.end();
      } else res.end(`at ${req.url}`);
    });
    const seen: string[] = [];
    const fetch = createHttpFetch({
      fallback: (input, init) => {
        seen.push(String(input));
        return globalThis.fetch(input, init);
      },
    });
    cleanups.push(() => fetch.close());
    expect(await (await fetch(`${url}/old`)).text()).toBe('at /new');
    expect(seen).toEqual([`${url}/old`]);
  });
});
