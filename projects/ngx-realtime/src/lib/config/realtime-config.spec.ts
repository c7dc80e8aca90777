import { resolvePollUrl, resolveSocketUrl } from './realtime-config';

describe('realtime URLs', () => {
  it('resolves relative socket URLs and maps http(s) to ws(s)', () => {
    expect(resolveSocketUrl('/ws/events', 'https://app.example.com/admin/')).toBe('wss://app.example.com/ws/events');
    expect(resolveSocketUrl('ws/events', 'http://localhost:4200/app/')).toBe('ws://localhost:4200/app/ws/events');
    expect(resolveSocketUrl('ws://other:8080/ws/events', 'https://app.example.com/')).toBe('ws://other:8080/ws/events');
  });

  it("defaults the poll URL to /events/poll on the socket's origin", () => {
    expect(resolvePollUrl(null, 'wss://api.example.com/ws/events', 'https://app.example.com/')).toBe('https://api.example.com/events/poll');
    expect(resolvePollUrl(null, 'ws://127.0.0.1:9000/ws/events', 'http://x/')).toBe('http://127.0.0.1:9000/events/poll');
  });

  it('resolves an explicit poll URL against the document', () => {
    expect(resolvePollUrl('/api/poll', 'wss://api.example.com/ws/events', 'https://app.example.com/')).toBe('https://app.example.com/api/poll');
  });
});
