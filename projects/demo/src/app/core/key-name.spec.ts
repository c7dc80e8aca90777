import { MAX_KEY_BYTES } from 'ngx-realtime';
import { keyNameProblem, keyPath } from './key-name';

describe('keyNameProblem', () => {
  it('accepts ordinary and URL-hostile keys the path can carry encoded', () => {
    for (const key of ['user:1', 'a/b', 'what?#', '100%', 'with space', 'ünïcødé 🚀', '...', '.a', 'a.', 'é'.repeat(MAX_KEY_BYTES / 2)]) {
      expect(keyNameProblem(key)).withContext(key).toBeNull();
    }
  });

  it('refuses "." and ".." with the reason', () => {
    expect(keyNameProblem('.')).toBe('A key cannot be “.”: browsers read it as a path step, so it cannot be sent in a URL.');
    expect(keyNameProblem('..')).toContain('“..”');
  });

  it('refuses the empty key, keys over 1024 UTF-8 bytes and unpaired surrogates', () => {
    expect(keyNameProblem('')).toBe('Enter a key.');
    expect(keyNameProblem('é'.repeat(513))).toBe('The key is 1026 bytes; keys may be at most 1024 bytes (UTF-8).');
    expect(keyNameProblem('a\uD800b')).toContain('unpaired');
  });
});

describe('keyPath', () => {
  it('percent-encodes every character with a meaning in a URL', () => {
    expect(keyPath('a/b?c#d%e f ü')).toBe('/keys/a%2Fb%3Fc%23d%25e%20f%20%C3%BC');
    expect(decodeURIComponent(keyPath('x/../y').slice('/keys/'.length))).toBe('x/../y');
  });
});
