import { HttpErrorResponse } from '@angular/common/http';
import { putBodyProblem, tooLargeMessage } from './body-size';

describe('putBodyProblem', () => {
  it('measures the JSON body in UTF-8 bytes against the 1 MiB limit', () => {
    expect(putBodyProblem('x'.repeat(1_048_576 - 12))).toBeNull(); // {"value":"…"} is 12 bytes more
    expect(putBodyProblem('x'.repeat(1_048_576 - 11))).toBe('Value is 1.0 MB; the server accepts at most 1 MiB.');
    expect(putBodyProblem('é'.repeat(600_000))).toBe('Value is 1.2 MB; the server accepts at most 1 MiB.');
    expect(putBodyProblem('x'.repeat(2_000_000))).toBe('Value is 2.0 MB; the server accepts at most 1 MiB.');
  });
});

describe('tooLargeMessage', () => {
  it("prefers the server's message, else names the limit", () => {
    const body = { error: 'Request body is too large: the limit is 1 MiB (1048576 bytes)', limitBytes: 1_048_576 };
    expect(tooLargeMessage(new HttpErrorResponse({ status: 413, error: body }))).toBe(body.error);
    expect(tooLargeMessage(new HttpErrorResponse({ status: 413, error: 'Payload Too Large' }))).toBe('The server refused the value: it accepts at most 1 MiB.');
    expect(tooLargeMessage(new HttpErrorResponse({ status: 400, error: { error: 'no' } }))).toBeNull();
  });
});
