import WebSocket from 'ws';

import { serverMessageSchema } from '../../../shared/protocol';

/** A frame as received: the parsed JSON object (text frames only). */
export type Frame = Record<string, unknown> & { type: string };

/**
 * A real `ws` client for tests: checks every frame against the `shared/protocol` schemas (a frame
 * outside them throws, failing the test run), records it, waits for the next frame of a type, and
 * reports how the connection closed.
 */
export class TestClient {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  closed: { code: number; reason: string } | undefined;
  readonly #waiters: Array<{ types: readonly string[] | undefined; from: number; resolve: (frame: Frame) => void }> = [];
  readonly #closeWaiters: Array<(value: { code: number; reason: string }) => void> = [];
  #cursor = 0;

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const frame = JSON.parse(data.toString()) as Frame;
      // Every server frame must match its shared/protocol schema (unknown fields included: strict).
      const checked = serverMessageSchema.safeParse(frame);
      const strict = checked.success && Object.keys(frame).every((key) => key in checked.data);
      if (!strict) throw new Error(`The server sent a frame outside shared/protocol: ${JSON.stringify(frame).slice(0, 300)}`);
      this.frames.push(frame);
      this.#flush();
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const waiter of this.#closeWaiters.splice(0)) waiter(this.closed);
    });
    this.ws.on('error', () => undefined);
  }

  static async open(url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
    const client = new TestClient(url, options);
    await new Promise<void>((resolve, reject) => {
      client.ws.once('open', () => resolve());
      client.ws.once('error', reject);
      client.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    await client.next('connection_established');
    return client;
  }

  #flush(): void {
    for (const waiter of [...this.#waiters]) {
      const index = this.frames.findIndex((frame, i) => i >= waiter.from && (waiter.types === undefined || waiter.types.includes(frame.type)));
      if (index >= 0) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        this.#cursor = Math.max(this.#cursor, index + 1);
        waiter.resolve(this.frames[index]!);
      }
    }
  }

  /** Sends a JSON message (or raw text). */
  send(message: Record<string, unknown> | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /**
   * The next frame (of `type`, or of any of the types when given a list) after the last one
   * awaited; frames of other types before it are passed over. Rejects after `timeoutMs`.
   */
  next<T extends Frame = Frame>(type?: string | readonly string[], timeoutMs = 5000): Promise<T> {
    const types = typeof type === 'string' ? [type] : type;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no "${types?.join('/') ?? 'any'}" frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((frame) => frame.type))}`),
          ),
        timeoutMs,
      );
      this.#waiters.push({
        types,
        from: this.#cursor,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame as T);
        },
      });
      this.#flush();
    });
  }

  /** Sends and waits for the next frame of `type`. */
  async request<T extends Frame = Frame>(message: Record<string, unknown> | string, type: string, timeoutMs?: number): Promise<T> {
    const waiting = this.next<T>(type, timeoutMs);
    this.send(message);
    return waiting;
  }

  /** Resolves when the socket has closed. */
  waitClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.#closeWaiters.push((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }

  types(): string[] {
    return this.frames.map((frame) => frame.type);
  }

  close(): void {
    this.ws.close();
  }
}
