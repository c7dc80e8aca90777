import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { WebSocketService } from 'ngx-realtime';

/**
 * The header's view of the realtime link: status and transport (`connected · websocket`,
 * `connected · sse`, `connected · polling`, `reconnecting · attempt 3`, `disconnected · unauthorized`)
 * plus the heartbeat round trip. Colour carries the same information for a glance: green WebSocket,
 * teal Server-Sent Events (a ringed dot), blue polling (a hollow dot), amber reconnecting, red
 * disconnected. The status text is a polite live region.
 *
 * @example
 * ```html
 * @if (auth.isLoggedIn()) { <app-connection-status-pill /> }
 * ```
 */
@Component({
  selector: 'app-connection-status-pill',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span
      [class]="pillClass()"
      [attr.data-status]="state().status"
      [attr.data-transport]="state().transport"
      [attr.title]="title()"
    >
      <span class="dot" aria-hidden="true"></span>
      <!-- Announced when it changes (politely: a reconnect is news, not an emergency). The latency
           stays outside, or every heartbeat would be read out. -->
      <span role="status" aria-live="polite" data-testid="connection-status">{{ label() }}</span>
      @if (latency() !== null) {
        <span class="latency" data-testid="connection-latency">{{ latency() }} ms</span>
      }
    </span>
  `,
  styles: `
    .pill { display: inline-flex; align-items: center; gap: .4rem; padding: .2rem .7rem; border-radius: 999px;
      font-size: .85rem; background: #eef0f3; color: #3a4150; white-space: nowrap; }
    .dot { flex: none; width: .55rem; height: .55rem; border-radius: 50%; background: #9aa3b2; }
    /* WebSocket: green, a solid dot. */
    .pill-connected { background: #e3f6ea; color: #1d6b3a; }
    .pill-connected .dot { background: #23a55a; }
    /* Server-Sent Events: teal, a dot with a ring: a fallback that still streams. */
    .pill-connected.via-sse { background: #e0f5f4; color: #0f5e5a; }
    .pill-connected.via-sse .dot { background: #14958d; box-shadow: 0 0 0 2px #e0f5f4, 0 0 0 3px #14958d; }
    /* Polling: blue, a hollow dot, so the fallback is told apart without relying on colour alone. */
    .pill-connected.via-polling { background: #e8efff; color: #1f4fb8; }
    .pill-connected.via-polling .dot { background: transparent; border: 2px solid #2f6fed; }
    .pill-reconnecting { background: #fff4dc; color: #7a5400; }
    .pill-reconnecting .dot { background: #e5a100; animation: blink 1s infinite; }
    .pill-disconnected { background: #fde8e8; color: #8c1d1d; }
    .pill-disconnected .dot { background: #d33; }
    .latency { opacity: .75; font-variant-numeric: tabular-nums; }
    @keyframes blink { 50% { opacity: .3; } }
    @media (prefers-reduced-motion: reduce) { .pill-reconnecting .dot { animation: none; } }
  `,
})
export class ConnectionStatusPill {
  /** The SDK's connection signal: the single source of truth for what the pill shows. */
  protected readonly state = inject(WebSocketService).connectionState;

  protected readonly pillClass = computed(() => {
    const { status, transport } = this.state();
    return `pill pill-${status}` + (status === 'connected' && transport ? ` via-${transport}` : '');
  });

  protected readonly label = computed(() => {
    const { status, transport, attempt, reason } = this.state();
    if (status === 'connected') return transport ? `connected · ${transport}` : 'connected';
    if (status === 'reconnecting') {
      if (reason === 'offline') return 'reconnecting · offline';
      return attempt > 0 ? `reconnecting · attempt ${attempt}` : 'reconnecting';
    }
    // The user's own logout is not news; every other reason tells them why nothing updates.
    return reason && reason !== 'client' ? `disconnected · ${reason.replace('_', ' ')}` : 'disconnected';
  });

  protected readonly latency = computed(() => {
    const { status, latencyMs } = this.state();
    return status === 'connected' && latencyMs != null ? Math.round(latencyMs) : null;
  });

  protected readonly title = computed(() => {
    const { lastCloseCode, nextRetryAt } = this.state();
    const parts: string[] = [];
    if (lastCloseCode != null) parts.push(`last close code ${lastCloseCode}`);
    if (nextRetryAt != null) parts.push(`next retry at ${new Date(nextRetryAt).toLocaleTimeString()}`);
    return parts.join(', ') || null;
  });
}
