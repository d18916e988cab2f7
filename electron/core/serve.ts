#!/usr/bin/env node
/**
 * Headless entry: `npm run serve -- [options]`. Loads the config, starts the core, prints the
 * banner, and stops cleanly on SIGINT/SIGTERM (exit 0). Bad options exit 2 with one line.
 */
import { networkInterfaces } from 'node:os';

import { ConfigError, loadConfig, usage } from './config/config';
import type { Config } from './config/config';
import { createCore, type CoreAddresses } from './createCore';
import { tlsBannerLines, tlsHelp } from './tls/describe';
import { productName, appVersion } from './version';

/** The IPv4 addresses teammates on the LAN can reach. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((item): item is NonNullable<typeof item> => !!item && item.family === 'IPv4' && !item.internal)
    .map((item) => item.address);
}

/** The start-up banner: where everything is. */
export function banner(config: Config, addresses: CoreAddresses): string {
  const lines = [`${productName} ${appVersion}`, ''];
  lines.push(`  Web chat     ${addresses.gatewayUrl}/`);
  lines.push(`  WebSocket    ${addresses.wsUrl}`);
  if (config.host === '0.0.0.0' || config.host === '::') {
    const scheme = new URL(addresses.gatewayUrl).protocol;
    for (const address of lanAddresses()) lines.push(`  LAN          ${scheme}//${address}:${new URL(addresses.gatewayUrl).port}/`);
  } else {
    lines.push('  LAN          off (this machine only; --host 0.0.0.0 to share)');
  }
  lines.push(...tlsBannerLines(addresses));
  if (addresses.accessCode) lines.push(`  Access code  ${addresses.accessCode}  (teammates enter it at sign-in)`);
  lines.push(`  Admin        ${addresses.adminUrl}`);
  if (addresses.mcpUrl) lines.push(`  MCP          ${addresses.mcpUrl}`);
  if (config.mcpServerUrl) lines.push(`  Tools        sessions use the external MCP server ${config.mcpServerUrl}`);
  lines.push(`  Health       ${addresses.gatewayUrl}/healthz`);
  lines.push(
    `  Claude       ${config.anthropicApiKey ? config.anthropicModel : 'no ANTHROPIC_API_KEY: direct tool mode (/tools, /tool NAME {json})'}`,
  );
  if (config.sandbox) {
    lines.push('');
    lines.push(`  Sandbox      ${addresses.sandboxUrl ?? 'embedded'} (offline Tallyfy, demo data)`);
    lines.push('  Sign in as   org a0000000000000000000000000000001 (Acme Operations)');
    lines.push('               api key sandbox-alice (admin), sandbox-bob (standard), sandbox-carol (light)');
    lines.push('               org b0000000000000000000000000000002 (Beta Logistics): sandbox-dave');
  }
  lines.push('', 'Press Ctrl+C to stop.');
  return lines.join('\n');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    const loaded = loadConfig(process.argv.slice(2));
    if (loaded.help) {
      process.stdout.write(`${usage}\n\n${tlsHelp(loaded.config, lanAddresses())}\n`);
      return;
    }
    config = loaded.config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`serve: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logFormat = process.env.GATEWAY_LOG_FORMAT;
  const core = createCore({ config, logPretty: logFormat === 'pretty' || (logFormat !== 'json' && process.stderr.isTTY === true) });
  let addresses: CoreAddresses;
  try {
    addresses = await core.start();
  } catch (error) {
    process.stderr.write(`serve: ${core.scrub((error as Error).message)}\n`);
    await core.stop('start-up failed');
    // A bad --tls-cert / --tls-key is a bad option like any other.
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      process.stderr.write(`serve: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    process.stdout.write(`\nStopping (${signal})…\n`);
    const force = setTimeout(() => {
      process.stderr.write('serve: shutdown took over 10 s, exiting\n');
      process.exit(1);
    }, 10_000);
    force.unref();
    core.stop(`server shutting down (${signal})`).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`serve: ${core.scrub(String(error))}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // Printed only once the signals are handled: whoever waits for the banner may stop us at once.
  // The core's config: the saved settings (the Anthropic key among them) filled in where flags and environment left them out.
  process.stdout.write(`${banner(core.config, addresses)}\n`);
}

await main();
