import { TestClient, type Frame } from '../../integration/support/wsClient';

export { TestClient, type Frame };

/** The next frame whose type is one of `types` (frames of other types are skipped). */
export async function nextOf(client: TestClient, types: readonly string[], timeoutMs = 10_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no ${types.join('/')} within ${timeoutMs} ms; got ${JSON.stringify(client.types())}`);
    const frame = await client.next(undefined, left);
    if (types.includes(frame.type)) return frame;
  }
}

/** Opens a socket and signs in; resolves with the client and the auth_success frame. */
export async function signIn(url: string, apiKey: string, orgId: string): Promise<{ client: TestClient; auth: Frame }> {
  const client = await TestClient.open(url);
  client.send({ type: 'auth', api_key: apiKey, org_id: orgId });
  const auth = await nextOf(client, ['auth_success', 'auth_error', 'error']);
  if (auth.type !== 'auth_success') throw new Error(`sign-in refused: ${JSON.stringify(auth)}`);
  return { client, auth };
}

/** Sends a query and resolves with its `response` or `error` frame. */
export async function ask(client: TestClient, content: string, timeoutMs = 15_000): Promise<Frame> {
  client.send({ type: 'query', content });
  return nextOf(client, ['response', 'error'], timeoutMs);
}
