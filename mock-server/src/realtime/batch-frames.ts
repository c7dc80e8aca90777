const HEAD = '{"type":"batch","events":[';
const TAIL = ']}';
const OVERHEAD = HEAD.length + TAIL.length;

/**
 * One frame of {@link packBatches}: its text, and the index (in the texts given) of the last event
 * it holds, so an SSE stream can name that event's seq.
 *
 * @example
 * ```ts
 * for (const { text, last } of packBatches(texts, 65_536)) stream.write(sseEvent(text, events[last].seq));
 * ```
 */
export interface PackedFrame {
  text: string;
  last: number;
}

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
  return packBatches(texts, maxBytes).map((frame) => frame.text);
}

/**
 * {@link batchFrames}, with the index of each frame's last event.
 *
 * @example
 * ```ts
 * packBatches(['{"seq":1}', '{"seq":2}'], 65_536); // [{ text: '{"type":"batch","events":[...]}', last: 1 }]
 * ```
 */
export function packBatches(texts: readonly string[], maxBytes: number): PackedFrame[] {
  const frames: PackedFrame[] = [];
  let group: string[] = [];
  let bytes = OVERHEAD;
  const flush = (last: number) => {
    if (group.length === 1) frames.push({ text: group[0]!, last });
    else if (group.length > 1) frames.push({ text: HEAD + group.join(',') + TAIL, last });
    group = [];
    bytes = OVERHEAD;
  };
  texts.forEach((text, i) => {
    const size = Buffer.byteLength(text);
    // Each element after the first costs its comma too.
    if (group.length > 0 && bytes + 1 + size > maxBytes) flush(i - 1);
    bytes += (group.length > 0 ? 1 : 0) + size;
    group.push(text);
  });
  flush(texts.length - 1);
  return frames;
}
