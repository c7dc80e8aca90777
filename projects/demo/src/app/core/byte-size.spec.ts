import { formatBytes, utf8Bytes } from './byte-size';

describe('byte sizes', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(utf8Bytes('abc')).toBe(3);
    expect(utf8Bytes('é')).toBe(2);
    expect(utf8Bytes('🚀')).toBe(4);
  });

  it('formats sizes for people, and whole binary units as the server states its limit', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(100_000)).toBe('100.0 KB');
    expect(formatBytes(2_000_012)).toBe('2.0 MB');
    expect(formatBytes(1_048_576)).toBe('1 MiB');
    expect(formatBytes(1024)).toBe('1 KiB');
  });
});
