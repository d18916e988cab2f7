import { TestClient, type Frame } from '../../integration/support/wsClient';

export { TestClient, type Frame };

/** The next frame whose type is one of `types` (frames of other types are passed over), with the hardening suite's longer default wait. */
export function nextOf(client: TestClient, types: readonly string[], timeoutMs = 10_000): Promise<Frame> {
  return client.next(types, timeoutMs);
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
