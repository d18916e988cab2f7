#!/usr/bin/env node
/**
 * The MCP server over stdio, for desktop MCP hosts: `npm run mcp:stdio`.
 * Credentials from the environment: TALLYFY_API_KEY, TALLYFY_ORG_ID, and optionally
 * TALLYFY_API_URL (default https://api.tallyfy.com). Standard output carries the protocol and
 * nothing else; messages go to standard error. Missing settings exit 2, refused credentials exit 1.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

import { createLogger } from '../log/logger';
import { SecretRegistry } from '../log/redact';
import { createTallyfyClient, defaultTallyfyApiUrl } from '../tallyfy/client';
import { isTallyfyError } from '../tallyfy/errors';

import { createMcpServer } from './createMcpServer';

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
  const shutdown = (): void => {
    void server.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.stdin.on('end', shutdown);
  await server.connect(transport);
}

await main();
