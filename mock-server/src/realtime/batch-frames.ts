const HEAD = '{"type":"batch","events":[';
const TAIL = ']}';
const OVERHEAD = HEAD.length + TAIL.length;

/**
 * Packs serialised events (in seq order) into as few frames as the size cap allows: `batch` frames
 * of at most `maxBytes` of JSON, and a lone event (or one larger than the cap) as its own frame.
 *
 * @example
 * ```ts
 * for (const frame of batchFrames(texts, 65_536)) ws.send(frame);
 * ```
 */
export function batchFrames(texts: readonly string[], maxBytes: number): string[] {
  const frames: string[] = [];
  let group: string[] = [];
  let bytes = OVERHEAD;
  const flush = () => {
    if (group.length === 1) frames.push(group[0]!);
    else if (group.length > 1) frames.push(HEAD + group.join(',') + TAIL);
    group = [];
    bytes = OVERHEAD;
  };
  for (const text of texts) {
    const size = Buffer.byteLength(text);
    // Each element after the first costs its comma too.
    if (group.length > 0 && bytes + 1 + size > maxBytes) flush();
    bytes += (group.length > 0 ? 1 : 0) + size;
    group.push(text);
  }
  flush();
  return frames;
}
