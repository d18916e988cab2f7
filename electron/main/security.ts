import { X509Certificate } from 'node:crypto';

import { shell, type WebContents } from 'electron';

import { isLoopbackHost } from '../core';

/**
 * Content Security Policy for the app's pages: only the app's own scripts; connections only to
 * the gateway on loopback. Also set as a meta tag in renderer/index.html.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:* ws://localhost:* http://localhost:* wss://127.0.0.1:* https://127.0.0.1:* wss://localhost:* https://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** True for links the system browser should open (http, https, mailto). */
export function isExternalUrl(url: string): boolean {
  try {
    return ['http:', 'https:', 'mailto:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/**
 * Locks a window's web contents: no navigation away from the app page, no new windows; external
 * links go to the system browser instead.
 */
export function secureWebContents(contents: WebContents, appUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (url === appUrl) return;
    event.preventDefault();
    if (isExternalUrl(url)) void shell.openExternal(url);
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * True when a certificate Chromium refused is the gateway's own, reached on loopback: the local
 * chat pane connects to `wss://127.0.0.1:PORT` when the gateway speaks TLS with its self-signed
 * certificate. Matched by SHA-256 fingerprint (the PEM Electron hands over), never by name alone;
 * anything else stays refused.
 */
export function isOwnGatewayCertificate(url: string, certificatePem: string, gatewayFingerprint: string | undefined): boolean {
  if (!gatewayFingerprint) return false;
  try {
    const { protocol, hostname } = new URL(url);
    if ((protocol !== 'wss:' && protocol !== 'https:') || !isLoopbackHost(hostname)) return false;
    return new X509Certificate(certificatePem).fingerprint256 === gatewayFingerprint;
  } catch {
    return false;
  }
}
