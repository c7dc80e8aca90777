/**
 * How many bytes `text` takes in UTF-8, the encoding of every request body and URL path.
 *
 * @example
 * ```ts
 * utf8Bytes('é'); // 2
 * ```
 */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * A byte count for people: decimal units (as file managers show them), one decimal from KB up.
 * A whole binary unit (1048576) reads "1 MiB", the way the server states its limit.
 *
 * @example
 * ```ts
 * formatBytes(2_000_123); // "2.0 MB"
 * formatBytes(1_048_576); // "1 MiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  for (const [size, unit] of [[1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'], [1024, 'KiB']] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(1)} GB`;
}
