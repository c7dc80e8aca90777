import { Injectable, computed, inject } from '@angular/core';
import { liveResource, snapshotFromResponse, type HealthEvent, type HealthProbe } from 'ngx-realtime';
import { map } from 'rxjs';
import { ApexApi } from './apex-api';
import { AuthService } from './auth-service';
import { refreshOverHttp } from './http-refresh';

/**
 * One probe that is failing, with the server's reason when an event carried one.
 *
 * @example
 * ```ts
 * const failing: FailingProbe = { probe: 'readiness', reason: 'disk full', since: Date.now() };
 * ```
 */
export interface FailingProbe {
  probe: HealthProbe;
  reason: string | null;
  /** When the stream reported it; null when it was already failing at the first fetch. */
  since: number | null;
}

/** Probe name -> its failure; healthy probes are absent. */
type Failures = Readonly<Partial<Record<HealthProbe, FailingProbe>>>;

const PROBES: readonly HealthProbe[] = ['liveness', 'readiness', 'startup'];

/**
 * Applies one `health_change`: an unhealthy probe joins the failures, a healthy one leaves them.
 * Never mutates `failures`, as a `liveResource` reducer must not.
 *
 * @example
 * ```ts
 * applyHealthChange({}, { type: 'health_change', probe: 'startup', status: 'unhealthy', seq: 3, timestamp: 1 });
 * // { startup: { probe: 'startup', reason: null, since: 1 } }
 * ```
 */
export function applyHealthChange(failures: Failures, event: HealthEvent): Failures {
  const { [event.probe]: _dropped, ...rest } = failures;
  if (event.status === 'healthy') return rest;
  return { ...rest, [event.probe]: { probe: event.probe, reason: event.reason ?? null, since: event.timestamp } };
}

/**
 * The server's failing probes, for the whole app while someone is signed in: a `liveResource`
 * over `GET /health` kept current by `health_change` events. The shell's banner reads it, so a
 * probe going bad is seen on every page, not only on Health. Signed out, it is idle (no request:
 * the endpoints need a session). On ApexStore 2.2's change stream, which has no health events, it
 * is refreshed over HTTP instead, so the banner still comes and goes.
 *
 * @example
 * ```ts
 * const failing = inject(HealthWatch).failing(); // [{ probe: 'readiness', reason: 'db down', since }]
 * ```
 */
@Injectable({ providedIn: 'root' })
export class HealthWatch {
  private readonly api = inject(ApexApi);
  private readonly auth = inject(AuthService);

  private readonly failures = liveResource({
    // Signing in (again) loads afresh; a token refresh keeps the user and does not.
    params: () => this.auth.user()?.id,
    load: () =>
      this.api.health().pipe(
        map((response) =>
          snapshotFromResponse(response, (body): Failures =>
            Object.fromEntries(
              PROBES.filter((p) => body.probes[p] === 'unhealthy').map((p) => [p, { probe: p, reason: null, since: null }]),
            ),
          ),
        ),
      ),
    events: (rt) => rt.onHealthEvents(),
    reduce: applyHealthChange,
    defaultValue: {},
  });

  constructor() {
    // Without health events (ApexStore 2.2), the banner would otherwise show the state at sign-in forever.
    refreshOverHttp(() => this.failures);
  }

  /** Failing probes in a fixed order (liveness, readiness, startup); empty when all is well or signed out. */
  readonly failing = computed<readonly FailingProbe[]>(() => {
    if (!this.auth.isLoggedIn() || !this.failures.hasValue()) return [];
    const failures = this.failures.value();
    return PROBES.flatMap((p) => (failures[p] ? [failures[p]] : []));
  });
}
