import { TestBed } from '@angular/core/testing';
import { REALTIME_CONFIG } from 'ngx-realtime';
import { appConfig } from './app.config';
import { HTTP_REFRESH_MS } from './core/http-refresh';
import { STREAM_MODE } from './core/stream-mode';

describe('appConfig', () => {
  afterEach(() => TestBed.resetTestingModule());

  function configured(mode: 'native' | 'apexstore-2.2') {
    TestBed.configureTestingModule({ providers: appConfig(mode).providers });
    return { config: TestBed.inject(REALTIME_CONFIG), mode: TestBed.inject(STREAM_MODE) };
  }

  it('on the native protocol: WebSocket first, with the long-polling fallback', () => {
    const { config, mode } = configured('native');
    expect(mode).toBe('native');
    expect(config.protocol.name).not.toBe('apexstore-cdc');
    expect(config.polling).not.toBeNull();
    expect(config.tabSharing).toBeTruthy();
  });

  it('against ApexStore 2.2: its change stream over Server-Sent Events, the token in a header, tabs still sharing one', () => {
    const { config, mode } = configured('apexstore-2.2');
    expect(mode).toBe('apexstore-2.2');
    expect(config.protocol.name).toBe('apexstore-cdc');
    expect(config.protocol.capabilities.transports).toEqual(['sse']);
    expect(config.tabSharing).toBeTruthy();
    expect(TestBed.inject(HTTP_REFRESH_MS)).toBe(10_000);
  });
});
