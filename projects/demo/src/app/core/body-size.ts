import { HttpErrorResponse } from '@angular/common/http';
import { MAX_REQUEST_BODY_BYTES, type BodyTooLargeBody } from 'ngx-realtime';
import { formatBytes, utf8Bytes } from './byte-size';

/**
 * Why `PUT /keys/{key}` with this value would be refused as too large, or `null`: measured as the
 * server will, in UTF-8 bytes of the JSON body, so the user hears it before a slow upload fails.
 *
 * @example
 * ```ts
 * putBodyProblem('x'.repeat(2_000_000)); // 'Value is 2.0 MB; the server accepts at most 1 MiB.'
 * ```
 */
export function putBodyProblem(value: string, limitBytes = MAX_REQUEST_BODY_BYTES): string | null {
  const bytes = utf8Bytes(JSON.stringify({ value }));
  return bytes > limitBytes ? `Value is ${formatBytes(bytes)}; the server accepts at most ${formatBytes(limitBytes)}.` : null;
}

/**
 * The sentence for a 413 answer, or `null` for any other error: the server's own message when it
 * sent one (it names the limit), else one built from `limitBytes` or our own limit.
 *
 * @example
 * ```ts
 * tooLargeMessage(new HttpErrorResponse({ status: 413 })); // 'The server refused the value: it accepts at most 1 MiB.'
 * ```
 */
export function tooLargeMessage(error: unknown): string | null {
  if (!(error instanceof HttpErrorResponse) || error.status !== 413) return null;
  const body = error.error as Partial<BodyTooLargeBody> | null;
  if (body && typeof body.error === 'string') return body.error;
  const limit = body && typeof body.limitBytes === 'number' ? body.limitBytes : MAX_REQUEST_BODY_BYTES;
  return `The server refused the value: it accepts at most ${formatBytes(limit)}.`;
}
