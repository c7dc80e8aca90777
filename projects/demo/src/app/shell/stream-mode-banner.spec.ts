import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { WebSocketService } from 'ngx-realtime';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { CDC_CONNECTED, cdcPut, configurePageTest } from '../../testing/configure-page-test';
import type { StreamMode } from '../core/stream-mode';
import { StreamModeBanner } from './stream-mode-banner';

describe('StreamModeBanner', () => {
  let fixture: ComponentFixture<StreamModeBanner>;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;

  function setUp(mode: StreamMode, signedIn = true): void {
    if (signedIn) {
      const session = { token: 't', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions: ['Read'] } };
      sessionStorage.setItem('apex.session', JSON.stringify(session));
    }
    ({ controller, realtime } = configurePageTest(mode));
    fixture = TestBed.createComponent(StreamModeBanner);
  }

  afterEach(() => {
    realtime.disconnect();
    controller.verify();
    sessionStorage.removeItem('apex.session');
  });

  async function shown(testId: string): Promise<HTMLElement | null> {
    await fixture.whenStable();
    return (fixture.nativeElement as HTMLElement).querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  }

  it('says nothing on the native protocol', async () => {
    setUp('native');
    expect(await shown('stream-mode')).toBeNull();
  });

  it('on ApexStore 2.2 it says plainly what the stream gives, and nothing before sign-in', async () => {
    setUp('apexstore-2.2', false);
    expect(await shown('stream-mode')).toBeNull();
    TestBed.resetTestingModule();

    setUp('apexstore-2.2');
    const banner = await shown('stream-mode');
    expect(banner!.textContent).toContain('ApexStore 2.2 change stream: key changes only, no replay.');
    expect(banner!.textContent).toContain('compaction, health, sync, snapshots and the stats refresh over HTTP');
    expect(await shown('stream-resync')).toBeNull();
  });

  it('tells when lists reloaded because the server skipped changes (lag), and after a reconnect', async () => {
    setUp('apexstore-2.2');
    realtime.connect('t');
    const stream = controller.expectStream();
    stream.accept().emitRaw(CDC_CONNECTED);
    stream.emitRaw(cdcPut('user:1', 'Ada'));
    expect(await shown('stream-resync')).toBeNull();

    stream.emitRaw('data: {"type":"lag","skipped":44}\n\n');
    let resync = await shown('stream-resync');
    expect(resync!.getAttribute('data-reason')).toBe('lag');
    expect(resync!.textContent).toContain('lists reloaded, the server skipped 44 changes for this client (lag)');

    stream.end();
    controller.tick(1_000);
    controller.expectStream().accept().emitRaw(CDC_CONNECTED);
    resync = await shown('stream-resync');
    expect(resync!.getAttribute('data-reason')).toBe('reconnected');
    expect(resync!.textContent).toContain('the stream reconnected and changes made meanwhile are not replayed');
  });
});
