/**
 * Bench helper process, the sign-in and capacity baseline: a bare `ws` server on 127.0.0.1 that
 * answers the original protocol's sign-in the least a server can — `connection_established` on
 * connect, then for `{"type":"auth"}` the same Tallyfy check the gateway makes
 * (`GET /organizations/{org}/me` with the caller's token, Node's built-in fetch) and `auth_success`.
 * It keeps nothing per connection but the socket, so its memory per connection is a bare `ws`
 * server's. Reports its CPU and (with `--expose-gc`) its memory after two full GCs.
 *
 * argv: --sandbox URL
 */
import { parseArgs } from 'node:util';

import { WebSocketServer } from 'ws';

import { serveParent } from '../lib/child';

const { values } = parseArgs({ options: { sandbox: { type: 'string' } } });
if (!values.sandbox) throw new Error('bareSignIn proc: --sandbox is required');
const sandbox = values.sandbox.replace(/\/$/, '');

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 64 * 1024 });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
let signedIn = 0;
server.on('connection', (socket) => {
  socket.send(JSON.stringify({ type: 'connection_established', session_id: 'bare' }));
  socket.on('message', (data) => {
    void (async () => {
      const frame = JSON.parse(String(data)) as { type?: string; api_key?: string; org_id?: string };
      if (frame.type !== 'auth') return;
      const response = await fetch(`${sandbox}/organizations/${encodeURIComponent(frame.org_id ?? '')}/me`, {
        headers: { authorization: `Bearer ${frame.api_key ?? ''}`, accept: 'application/json', 'x-tallyfy-client': 'APIClient' },
      });
      const body = (await response.json()) as { data?: { id?: unknown } };
      if (response.ok && body.data?.id !== undefined) {
        signedIn++;
        socket.send(JSON.stringify({ type: 'auth_success', message: 'ok' }));
      } else socket.send(JSON.stringify({ type: 'auth_error', message: `status ${response.status}` }));
    })().catch((error: unknown) => socket.send(JSON.stringify({ type: 'error', message: String(error) })));
  });
});
const address = server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const gc = (globalThis as { gc?: () => void }).gc;
serveParent(
  {
    cpu: () => process.cpuUsage(),
    memory: () => {
      gc?.();
      gc?.();
      return { ...process.memoryUsage(), sessions: server.clients.size, connections: server.clients.size, signedIn };
    },
  },
  { url: `ws://127.0.0.1:${port}` },
  () => new Promise<void>((resolve) => server.close(() => resolve())),
);
