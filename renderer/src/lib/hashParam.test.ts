import { describe, expect, it } from 'vitest';

import { hashParam } from './hashParam';

describe('hashParam', () => {
  it('reads one decoded parameter of a fragment, and nothing from a longer name', () => {
    expect(hashParam('#token=abc_-123', 'token')).toBe('abc_-123');
    expect(hashParam('#token=a+b%2Bc', 'token')).toBe('a+b+c');
    expect(hashParam('#x=1&code=K7QM-2XPA%209HTD', 'code')).toBe('K7QM-2XPA 9HTD');
    expect(hashParam('#admintoken=abc', 'token')).toBeUndefined();
    expect(hashParam('#code=', 'code')).toBeUndefined();
    expect(hashParam('', 'code')).toBeUndefined();
  });
});
