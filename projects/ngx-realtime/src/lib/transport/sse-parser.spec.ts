import { SseMessage, SseParser } from './sse-parser';

// Everything the parser reported, in order, so one comparison checks events, retries and comments
// and where they fall relative to each other.
type Reported = ['event', SseMessage] | ['retry', number] | ['comment', string];

function recorder(): { parser: SseParser; log: Reported[] } {
  const log: Reported[] = [];
  const parser = new SseParser({
    event: (m) => log.push(['event', m]),
    retry: (ms) => log.push(['retry', ms]),
    comment: (text) => log.push(['comment', text]),
  });
  return { parser, log };
}

function parse(...chunks: (Uint8Array | string)[]): Reported[] {
  const { parser, log } = recorder();
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return log;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

// A recorded stream with every line-end style (including CRLF, CR then LF, and CR CR), multi-line
// data, ids, event names, comments, retries, 2-, 3- and 4-byte UTF-8, and a last event that never
// gets its blank line.
const RECORDED =
  ': ping\n' +
  'retry: 2500\n' +
  'event: greeting\r\n' +
  'id: 1\r\n' +
  'data: héllo\r\n' +
  'data: wörld €\r\n' +
  '\r\n' +
  'data:😀 no space\r' +
  '\r' +
  ':keep-alive\r\n' +
  'id: 2\n' +
  'data\n' +
  'data:  two spaces\n' +
  '\n' +
  'event: update\r' +
  'data: {"x":"€😀"}\r\n' +
  '\n' +
  'id\n' +
  'data: after empty id\n' +
  '\n' +
  'retry: 1e3\n' +
  'foo: bar\n' +
  'event: dropped\n' +
  '\r' +
  'data: last\n' +
  '\n' +
  'data: never finished\n';

const EXPECTED: Reported[] = [
  ['comment', 'ping'],
  ['retry', 2500],
  ['event', { event: 'greeting', data: 'héllo\nwörld €', id: '1' }],
  ['event', { event: 'message', data: '😀 no space', id: '1' }],
  ['comment', 'keep-alive'],
  ['event', { event: 'message', data: '\n two spaces', id: '2' }],
  ['event', { event: 'update', data: '{"x":"€😀"}', id: '2' }],
  ['event', { event: 'message', data: 'after empty id', id: '' }],
  ['event', { event: 'message', data: 'last', id: '' }],
];

describe('SseParser', () => {
  const bytes = utf8(RECORDED);

  it('reads a recorded stream fed whole, as bytes or as text', () => {
    expect(parse(bytes)).toEqual(EXPECTED);
    expect(parse(RECORDED)).toEqual(EXPECTED);
  });

  it('reads the same stream split into two chunks at every byte index', () => {
    // Collected rather than asserted one by one, so a failure names the split points in one line.
    const wrongAt: number[] = [];
    for (let i = 0; i <= bytes.length; i++) {
      const log = parse(bytes.subarray(0, i), bytes.subarray(i));
      if (JSON.stringify(log) !== JSON.stringify(EXPECTED)) wrongAt.push(i);
    }
    expect(wrongAt).toEqual([]);
  });

  it('reads the same stream fed byte by byte, and as text character by character', () => {
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    expect(parse(...chunks)).toEqual(EXPECTED);
    expect(parse(...Array.from(RECORDED))).toEqual(EXPECTED);
  });

  it('counts a CR that ends one chunk and an LF that starts the next as one line end', () => {
    // Were they two, the blank line between them would dispatch "a" on its own.
    const expected: Reported[] = [['event', { event: 'message', data: 'a\nb', id: '' }]];
    expect(parse('data: a\r', '\ndata: b\r\n\r\n')).toEqual(expected);
    expect(parse(utf8('data: a\r'), utf8('\ndata: b\r\n\r\n'))).toEqual(expected);
    // Still one when empty chunks come in between.
    expect(parse(utf8('data: a\r'), new Uint8Array(0), '', utf8('\ndata: b\n\n'))).toEqual(expected);
  });

  it('counts a CR that ends one chunk and a CR that starts the next as two line ends', () => {
    expect(parse('data: a\r', '\rdata: b\n\n')).toEqual([
      ['event', { event: 'message', data: 'a', id: '' }],
      ['event', { event: 'message', data: 'b', id: '' }],
    ]);
  });

  it('strips one leading byte order mark, even split across chunks', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('data: x\n\n')]);
    const expected: Reported[] = [['event', { event: 'message', data: 'x', id: '' }]];
    expect(parse(withBom)).toEqual(expected);
    expect(parse(withBom.subarray(0, 1), withBom.subarray(1, 2), withBom.subarray(2))).toEqual(expected);
    expect(parse('\uFEFFdata: x\n\n')).toEqual(expected);
    // Only one: a second BOM is part of the field name, which is then unknown.
    expect(parse('\uFEFF\uFEFFdata: x\n\n')).toEqual([]);
    // And only at the start of the stream.
    expect(parse('data: x\n\n', '\uFEFFdata: y\n\n')).toEqual(expected);
  });

  it('ignores a retry field that is not only ASCII digits', () => {
    expect(parse('retry: abc\nretry: 12a\nretry:\nretry: -5\nretry: 1.5\nretry: ٣\nretry: 0\nretry:750\n')).toEqual([
      ['retry', 0],
      ['retry', 750],
    ]);
  });

  it('ignores an id that contains NUL, keeping the one before', () => {
    expect(parse('id: 1\ndata: a\n\nid: 2\u0000x\ndata: b\n\n')).toEqual([
      ['event', { event: 'message', data: 'a', id: '1' }],
      ['event', { event: 'message', data: 'b', id: '1' }],
    ]);
  });

  it('takes a line without a colon as a field name with an empty value', () => {
    expect(parse('data\n\nevent: custom\nevent\ndata: x\n\n')).toEqual([
      ['event', { event: 'message', data: '', id: '' }],
      ['event', { event: 'message', data: 'x', id: '' }],
    ]);
  });

  it('strips one leading space from a value, no more', () => {
    expect(parse('event:  two\ndata:   three\n\n')).toEqual([['event', { event: ' two', data: '  three', id: '' }]]);
  });

  it('does not dispatch a block without data, but keeps its id and drops its event name', () => {
    const { parser, log } = recorder();
    parser.feed('event: custom\nid: 7\n\n');
    expect(log).toEqual([]);
    expect(parser.lastEventId).toBe('7');
    parser.feed('data: x\n\n');
    expect(log).toEqual([['event', { event: 'message', data: 'x', id: '7' }]]);
  });

  it('moves lastEventId only when a blank line ends the block', () => {
    const { parser } = recorder();
    parser.feed('id: 1\n\nid: 2\n');
    expect(parser.lastEventId).toBe('1');
    parser.feed('\n');
    expect(parser.lastEventId).toBe('2');
  });

  it('discards an event that is incomplete at end(), and an unterminated last line', () => {
    expect(parse('data: x\n')).toEqual([]);
    expect(parse('data: x\n\ndata: y')).toEqual([['event', { event: 'message', data: 'x', id: '' }]]);
    expect(parse(': ping')).toEqual([]);
    expect(parse(utf8('data: x\n\n'), new Uint8Array([0xf0, 0x9f]))).toEqual([['event', { event: 'message', data: 'x', id: '' }]]);
  });

  it('replaces invalid UTF-8 instead of throwing', () => {
    expect(parse(new Uint8Array([...utf8('data: a'), 0xff, ...utf8('b\n\n')]))).toEqual([
      ['event', { event: 'message', data: 'a\uFFFDb', id: '' }],
    ]);
  });

  it('works without retry and comment handlers', () => {
    const events: SseMessage[] = [];
    const parser = new SseParser({ event: (m) => events.push(m) });
    parser.feed(RECORDED);
    parser.end();
    expect(events).toEqual(EXPECTED.filter((r) => r[0] === 'event').map((r) => r[1] as SseMessage));
  });

  it('throws ngx-realtime errors for programmer mistakes', () => {
    expect(() => new SseParser({} as never)).toThrowError(/^ngx-realtime: SseParser needs handlers/);
    const { parser } = recorder();
    parser.end();
    parser.end();
    expect(() => parser.feed('data: x\n\n')).toThrowError(/^ngx-realtime: SseParser.feed\(\) was called after end\(\)/);
  });
});
