import type { RealtimeFeature, RealtimeFeatureKind } from './realtime-feature';
import type { RealtimeConfig, ResolvedRealtimeConfig } from './realtime-config';

/*
 * The programmer-mistake checks of provideRealtime(): run in dev mode only, so their messages never
 * weigh on an app's production bundle.
 */

/** Throws a `ngx-realtime:` error for a config or feature list an app must fix. */
export function checkConfig(config: RealtimeConfig, features: RealtimeFeature[]): void {
  if (!config || (typeof config.url !== 'function' && (typeof config.url !== 'string' || config.url.trim() === ''))) {
    throw new Error("ngx-realtime: provideRealtime() needs a url. Use provideRealtime({url: '/ws/events'}).");
  }
  if (config.authMode !== undefined && config.authMode !== 'query' && config.authMode !== 'frame') {
    throw new Error(`ngx-realtime: authMode must be 'query' or 'frame', got '${String(config.authMode)}'.`);
  }
  const seen = new Set<RealtimeFeatureKind>();
  for (const f of features) {
    if (!f || typeof f.kind !== 'string') {
      throw new Error(
        'ngx-realtime: provideRealtime() accepts only features made by withReconnect(), withHeartbeat(), ' +
          'withPollingFallback(), withNoPollingFallback(), withBatching(), withTabSharing(), withAuth(), withProtocol() and withTransports().',
      );
    }
    if (seen.has(f.kind)) {
      throw new Error(`ngx-realtime: ${f.ɵcall} was passed to provideRealtime() twice. Pass it once, with all its options merged.`);
    }
    seen.add(f.kind);
  }
  if (seen.has('pollingFallback') && seen.has('noPollingFallback')) {
    throw new Error(
      'ngx-realtime: withPollingFallback() and withNoPollingFallback() contradict each other. ' +
        'Keep withPollingFallback() to tune the fallback, or withNoPollingFallback() to turn it off.',
    );
  }
}

/** Throws a `ngx-realtime:` error for figures that cannot work together. */
export function checkResolved(config: ResolvedRealtimeConfig, pollingAskedFor: boolean): void {
  const r = config.reconnect;
  const positive = (name: string, value: number) => {
    if (!(value > 0)) throw new Error(`ngx-realtime: ${name} must be a positive number, got ${value}.`);
  };
  positive('withReconnect({initialDelayMs})', r.initialDelayMs);
  positive('withReconnect({maxDelayMs})', r.maxDelayMs);
  positive('withReconnect({connectTimeoutMs})', r.connectTimeoutMs);
  if (!(r.factor >= 1)) throw new Error(`ngx-realtime: withReconnect({factor}) must be at least 1, got ${r.factor}.`);
  if (!(r.maxAttempts >= 0)) throw new Error(`ngx-realtime: withReconnect({maxAttempts}) must be 0 or more, got ${r.maxAttempts}.`);
  if (!(r.stableAfterMs >= 0)) throw new Error(`ngx-realtime: withReconnect({stableAfterMs}) must be 0 or more, got ${r.stableAfterMs}.`);
  const hb = config.heartbeat;
  if (hb.timeoutMs !== undefined) positive('withHeartbeat({timeoutMs})', hb.timeoutMs);
  if ('intervalMs' in hb) {
    throw new Error(
      'ngx-realtime: withHeartbeat({intervalMs}) is gone: the server drives the heartbeat and announces its interval ' +
        'in welcome. Configure the interval on the server; keep withHeartbeat({timeoutMs}) for the client.',
    );
  }
  if (config.auth.refresh !== null && typeof config.auth.refresh !== 'function') {
    throw new Error('ngx-realtime: withAuth(source, {refresh}) needs refresh to be a function returning a Promise or Observable of a token.');
  }
  if (!(config.auth.tokenWaitMs >= 0)) {
    throw new Error(`ngx-realtime: withAuth(source, {tokenWaitMs}) must be 0 or more, got ${config.auth.tokenWaitMs}.`);
  }
  const protocol = config.protocol;
  if (!protocol || typeof protocol.read !== 'function' || typeof protocol.connect !== 'function' || !protocol.capabilities) {
    throw new Error('ngx-realtime: withProtocol() needs a protocol such as nativeProtocol(); got ' + String(protocol) + '.');
  }
  for (const kind of config.transports ?? []) {
    if (!protocol.capabilities.transports.includes(kind)) {
      throw new Error(
        `ngx-realtime: withTransports('${kind}') names a transport the ${protocol.name} protocol does not run on. ` +
          `Use some of: ${protocol.capabilities.transports.map((t) => `'${t}'`).join(', ')}.`,
      );
    }
  }
  if (config.transports !== null && config.transports.length === 0) {
    throw new Error("ngx-realtime: withTransports() needs at least one transport, e.g. withTransports('websocket').");
  }
  const p = config.polling;
  if (p) {
    positive('withPollingFallback({afterFailedAttempts})', p.afterFailedAttempts);
    positive('withPollingFallback({probeIntervalMs})', p.probeIntervalMs);
    if (!(p.waitMs >= 0)) throw new Error(`ngx-realtime: withPollingFallback({waitMs}) must be 0 or more, got ${p.waitMs}.`);
    // Only an explicit withPollingFallback() is a contradiction; the default simply never triggers.
    if (pollingAskedFor && p.afterFailedAttempts > r.maxAttempts + 1) {
      throw new Error(
        `ngx-realtime: withPollingFallback({afterFailedAttempts: ${p.afterFailedAttempts}}) can never trigger because ` +
          `withReconnect({maxAttempts: ${r.maxAttempts}}) gives up first. Raise maxAttempts or lower afterFailedAttempts.`,
      );
    }
  }
}
