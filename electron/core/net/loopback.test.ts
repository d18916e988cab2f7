import { describe, expect, it } from 'vitest';

import { hostnameOfHeader, isLoopbackHost } from './loopback';

describe('isLoopbackHost', () => {
  it('knows this machine by every name it goes by', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
  });

  it('refuses names that only look like it (DNS rebinding) and other machines', () => {
    for (const host of ['127.0.0.1.evil.example', '127.evil.example', 'localhost.evil.example', '10.0.0.5', '0.0.0.0', '::2', '']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('reads the hostname of a Host header', () => {
    expect(hostnameOfHeader('[::1]:9000')).toBe('[::1]');
    expect(hostnameOfHeader('localhost:9001')).toBe('localhost');
    expect(hostnameOfHeader('127.0.0.1.evil.example')).toBe('127.0.0.1.evil.example');
  });
});
