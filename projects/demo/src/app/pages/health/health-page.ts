import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { liveResource, snapshotFromResponse, type HealthEvent, type HealthProbe } from 'ngx-realtime';
import { map } from 'rxjs';
import { ApexApi } from '../../core/apex-api';
import { errorMessage } from '../../core/error-message';
import { refreshOverHttp } from '../../core/http-refresh';
import { HttpRefreshNotice } from '../../shell/http-refresh-notice';

type ProbeStatus = 'healthy' | 'unhealthy';

interface ProbeState {
  status: ProbeStatus;
  reason?: string;
  /** When the stream last changed it; absent when it comes from the initial fetch. */
  changedAt?: number;
}

const PROBES: HealthProbe[] = ['liveness', 'readiness', 'startup'];

type ProbeStates = Partial<Record<HealthProbe, ProbeState>>;

/**
 * Probe states: a `liveResource` over `GET /health` and `health_change` events; on ApexStore 2.2's
 * change stream (no health events) refreshed over HTTP instead.
 */
@Component({
  selector: 'app-health-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, HttpRefreshNotice],
  template: `
    <h1>Health</h1>
    <app-http-refresh-notice [refresher]="refresher" missing="Health events" />
    @if (error(); as message) {
      <p class="notice error" data-testid="health-error">{{ message }}</p>
    }
    <p class="overall" [class.bad]="overall() === 'unhealthy'" data-testid="health-overall">
      Overall: <strong>{{ overall() ?? '…' }}</strong>
    </p>
    <section class="cards">
      @for (probe of probes; track probe) {
        @let state = states()[probe];
        <div class="card probe" [attr.data-testid]="'probe-' + probe" [attr.data-status]="state?.status ?? 'unknown'"
             [class.healthy]="state?.status === 'healthy'" [class.unhealthy]="state?.status === 'unhealthy'">
          <span class="name">{{ probe }}</span>
          <span class="status" [attr.data-testid]="'probe-' + probe + '-status'">{{ state?.status ?? 'unknown' }}</span>
          @if (state?.reason) { <span class="muted">{{ state?.reason }}</span> }
          @if (state?.changedAt) { <span class="muted">changed {{ state?.changedAt | date: 'mediumTime' }}</span> }
        </div>
      }
    </section>
  `,
  styles: `
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .8rem; }
    .probe { display: flex; flex-direction: column; gap: .3rem; border-left: 6px solid #9aa3b2; }
    .probe.healthy { border-left-color: #23a55a; }
    .probe.unhealthy { border-left-color: #d33; background: #fff6f6; }
    .name { text-transform: capitalize; font-weight: 600; }
    .status { font-size: 1.3rem; }
    .overall.bad strong { color: #8c1d1d; }
  `,
})
export class HealthPage {
  private readonly api = inject(ApexApi);

  protected readonly probes = PROBES;
  protected readonly refresher = refreshOverHttp(() => this.probeStates);
  private readonly probeStates = liveResource({
    load: () =>
      this.api.health().pipe(
        this.refresher.stamp(),
        map((response) =>
          snapshotFromResponse(response, (body): ProbeStates =>
            Object.fromEntries(PROBES.map((p) => [p, { status: body.probes[p] }])),
          ),
        ),
      ),
    events: (rt) => rt.onHealthEvents(),
    reduce: (states: ProbeStates, event: HealthEvent): ProbeStates => ({
      ...states,
      [event.probe]: { status: event.status, reason: event.reason, changedAt: event.timestamp },
    }),
  });
  protected readonly states = computed<ProbeStates>(() => (this.probeStates.hasValue() ? this.probeStates.value() : {}));
  protected readonly error = computed(() => {
    const failed = this.probeStates.error();
    return failed ? errorMessage(failed) : null;
  });
  protected readonly overall = computed<ProbeStatus | null>(() => {
    const states = this.states();
    if (PROBES.some((p) => states[p]?.status === 'unhealthy')) return 'unhealthy';
    return PROBES.every((p) => states[p]?.status === 'healthy') ? 'healthy' : null;
  });
}
