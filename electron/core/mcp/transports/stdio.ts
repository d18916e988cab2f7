#!/usr/bin/env node
/**
 * The MCP server over stdio, for desktop MCP hosts: `npm run mcp:stdio`.
 * Credentials from the environment: TALLYFY_API_KEY, TALLYFY_ORG_ID, and optionally
 * TALLYFY_API_URL (default https://api.tallyfy.com). Standard output carries the protocol and
 * nothing else; messages go to standard error. Missing settings exit 2, refused credentials exit 1.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

import { createLogger } from '../../log/logger';
import { SecretRegistry } from '../../log/redact';
import { createTallyfyClient, defaultTallyfyApiUrl } from '../../tallyfy/client';
import { isTallyfyError } from '../../tallyfy/errors';

import { createMcpServer } from '../server/createMcpServer';

/**
 * The JSON-RPC error for a line the transport could not read: -32700 (parse error) when it is
 * not JSON, -32600 (invalid request) when it is JSON but not a JSON-RPC message; undefined for
 * any other transport error. The id is null: a line that did not parse has none we can trust
 * (the SDK types an error reply with an id, hence the casts).
 */
function rpcErrorFor(error: Error): JSONRPCMessage | undefined {
  if (error instanceof SyntaxError)
    return {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error: the line is not valid JSON.' },
    } as unknown as JSONRPCMessage;
  if (error.name === 'ZodError' || /invalid/i.test(error.message))
    return {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'Invalid Request: the line is not a JSON-RPC 2.0 message.' },
    } as unknown as JSONRPCMessage;
  return undefined;
}

function fail(message: string, code: number): never {
  process.stderr.write(`mcp:stdio: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const token = process.env.TALLYFY_API_KEY?.trim();
  const orgId = process.env.TALLYFY_ORG_ID?.trim();
  const baseUrl = process.env.TALLYFY_API_URL?.trim() || defaultTallyfyApiUrl;
  const missing = [!token && 'TALLYFY_API_KEY', !orgId && 'TALLYFY_ORG_ID'].filter(Boolean);
  if (!token || !orgId) {
    fail(
      `set ${missing.join(' and ')} in the environment (your Tallyfy API token from Settings > Integrations > REST API, and your 32-character organization id). TALLYFY_API_URL is optional.`,
      2,
    );
  }
  const secrets = new SecretRegistry();
  secrets.add(token);
  const logger = createLogger({ level: process.env.MCP_STDIO_DEBUG ? 'debug' : 'warn', secrets, destination: process.stderr });
  let client;
  try {
    client = createTallyfyClient({ baseUrl, token, orgId, secrets });
  } catch (error) {
    fail(secrets.scrub((error as Error).message), 2);
  }
  try {
    await client.me();
  } catch (error) {
    if (isTallyfyError(error, 'UNAUTHORIZED', 'FORBIDDEN'))
      fail(`Tallyfy refused the credentials: ${secrets.scrub((error as Error).message)}`, 1);
    fail(`could not reach Tallyfy at ${baseUrl}: ${secrets.scrub((error as Error).message)}`, 1);
  }
  const server = createMcpServer(client, { secrets, logger });
  const transport = new StdioServerTransport();
  // The SDK drops a line it cannot read; JSON-RPC 2.0 says to answer it (issue 12).
  transport.onerror = (error) => {
    const reply = rpcErrorFor(error);
    if (reply) void transport.send(reply).catch(() => undefined);
  };
  const shutdown = (): void => {
    void server.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.stdin.on('end', shutdown);
  await server.connect(transport);
}

await main();
