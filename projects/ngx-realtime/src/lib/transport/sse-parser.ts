/**
 * One event dispatched from a `text/event-stream`, as the WHATWG HTML spec's "event stream
 * interpretation" defines it.
 *
 * @example
 * ```ts
 * const message: SseMessage = { event: 'message', data: '{"seq":1}', id: '41' };
 * ```
 */
export interface SseMessage {
  /** The `event:` field of the event, or `'message'` when it had none (or an empty one). */
  event: string;
  /** The `data:` lines of the event, joined with `"\n"`. */
  data: string;
  /**
   * The last event ID at the time of dispatch. It is not reset between events: an event without an
   * `id:` line carries the one before it, which is what a reconnect must send as `Last-Event-ID`.
   */
  id: string;
}

/**
 * What an {@link SseParser} calls as it reads the stream. Handlers run synchronously inside
 * `feed()`; one that throws leaves the rest of that chunk unparsed, so treat it as fatal to the stream.
 *
 * @example
 * ```ts
 * const handlers: SseParserHandlers = {
 *   event: (m) => console.log(m.event, m.data, m.id),
 *   retry: (ms) => (reconnectDelayMs = ms),
 *   comment: () => (lastHeardAt = Date.now()),
 * };
 * ```
 */
export interface SseParserHandlers {
  /** An event was dispatched (a blank line ended a block that had at least one `data` line). */
  event(message: SseMessage): void;
  /** A valid `retry:` field (ASCII digits only) asked for this reconnection delay. */
  retry?(ms: number): void;
  /**
   * A comment line (`: ping`), given without the colon and with one leading space stripped, as field
   * values are. Servers send them to keep idle connections alive, so they are a sign of liveness.
   */
  comment?(text: string): void;
}

// One options object for every decode call instead of a fresh literal per chunk.
const STREAM: TextDecodeOptions = { stream: true };
const LF = 0x0a;
const SPACE = 0x20;
const BOM = 0xfeff;
const DIGITS = /^[0-9]+$/;

/**
 * Incremental parser for a Server-Sent Events stream (`text/event-stream`), following the WHATWG
 * HTML spec's "event stream interpretation". Feed it the chunks of a `fetch()` body in order;
 * chunks may split lines, CRLF pairs and multi-byte UTF-8 characters anywhere.
 *
 * @example
 * ```ts
 * const parser = new SseParser({ event: (m) => console.log(m.event, m.data, m.id) });
 * const reader = response.body!.getReader();
 * for (let r = await reader.read(); !r.done; r = await reader.read()) parser.feed(r.value);
 * parser.end();
 * ```
 */
export class SseParser {
  private readonly handlers: SseParserHandlers;
  // ignoreBOM keeps the decoder from eating a BOM itself, so bytes and strings share one rule below
  // (strip exactly one, at the very start of the stream) even if a caller mixes the two.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private started = false;
  private ended = false;
  // The unterminated tail of the last chunk; it is the start of the next line.
  private carry = '';
  // The last chunk ended in CR: an LF opening the next one is the second half of that CRLF and must
  // not count as an empty line (which would dispatch).
  private afterCR = false;
  private data = '';
  // Tells "no data line yet" from "data lines that were empty": only the former is not dispatched.
  private hasData = false;
  private eventType = '';
  private idBuffer = '';
  private lastId = '';

  /**
   * @param handlers Called as events, `retry` fields and comments are read. `event` is required.
   * @throws Error (`ngx-realtime: …`) when `handlers.event` is not a function.
   */
  constructor(handlers: SseParserHandlers) {
    if (typeof handlers?.event !== 'function') {
      throw new Error('ngx-realtime: SseParser needs handlers with an event(message) function.');
    }
    this.handlers = handlers;
  }

  /**
   * The last event ID as of the most recent blank line, whether or not that block was dispatched:
   * the value to send as `Last-Event-ID` when reconnecting.
   */
  get lastEventId(): string {
    return this.lastId;
  }

  /**
   * Parses the next chunk of the stream: bytes (UTF-8, decoded in streaming mode so a character
   * split across chunks comes out whole) or text that is already decoded. Calls the handlers for
   * every complete line; the unterminated rest waits for the next chunk.
   *
   * @throws Error (`ngx-realtime: …`) when called after {@link end}.
   */
  feed(chunk: Uint8Array | string): void {
    if (this.ended) throw new Error('ngx-realtime: SseParser.feed() was called after end(); use a new parser per stream.');
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, STREAM);
    // An empty piece (a chunk holding only part of a character) must not clear afterCR or the BOM check.
    if (text.length === 0) return;
    let pos = 0;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === BOM) pos = 1;
    }
    if (this.afterCR) {
      this.afterCR = false;
      if (text.charCodeAt(pos) === LF) pos++;
    }
    const length = text.length;
    // Each search result is kept until the scan passes it, so a chunk costs two native scans in all,
    // not two per line; -1 (none left in this chunk) stays valid to the end.
    let cr = text.indexOf('\r', pos);
    let lf = text.indexOf('\n', pos);
    while (cr !== -1 || lf !== -1) {
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr + 1 === length) {
          next = length;
          this.afterCR = true;
        } else {
          next = lf === cr + 1 ? cr + 2 : cr + 1;
        }
      } else {
        end = lf;
        next = lf + 1;
      }
      let line = text.slice(pos, end);
      if (this.carry.length > 0) {
        line = this.carry + line;
        this.carry = '';
      }
      this.line(line);
      pos = next;
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
    }
    if (pos < length) this.carry += pos === 0 ? text : text.slice(pos);
  }

  /**
   * Ends the stream. Per the spec, whatever was not yet dispatched (an event without its closing
   * blank line, an unterminated last line) is discarded. Further `feed()` calls throw; calling
   * `end()` again does nothing.
   */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    // Flushing only resets the decoder; an incomplete trailing character is discarded with the rest.
    this.decoder.decode();
    this.carry = '';
    this.data = '';
    this.hasData = false;
    this.eventType = '';
  }

  private line(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) {
      if (this.handlers.comment) this.handlers.comment(line.charCodeAt(1) === SPACE ? line.slice(2) : line.slice(1));
      return;
    }
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.slice(line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1);
    }
    switch (field) {
      case 'data':
        // Joining as lines arrive gives the spec's "append value and LF, drop the final LF" result
        // without building and trimming a trailing newline on every event.
        if (this.hasData) {
          this.data += '\n' + value;
        } else {
          this.data = value;
          this.hasData = true;
        }
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (value.indexOf('\0') === -1) this.idBuffer = value;
        break;
      case 'retry':
        if (DIGITS.test(value) && this.handlers.retry) this.handlers.retry(parseInt(value, 10));
        break;
      // Unknown fields are ignored, as the spec requires, so servers can add their own.
    }
  }

  private dispatch(): void {
    // The ID advances even for a block that is not dispatched, so an id-only block still moves the
    // reconnect point forward.
    this.lastId = this.idBuffer;
    const eventType = this.eventType;
    this.eventType = '';
    if (!this.hasData) return;
    const data = this.data;
    this.data = '';
    this.hasData = false;
    this.handlers.event({ event: eventType === '' ? 'message' : eventType, data, id: this.lastId });
  }
}
