import { DatePipe, DecimalPipe } from '@angular/common';
import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { WebSocketService, liveResource, type SnapshotEvent, type SnapshotInfo } from 'ngx-realtime';
import { ApexApi } from '../../core/apex-api';
import { AuthService } from '../../core/auth-service';
import { errorMessage } from '../../core/error-message';
import { refreshOverHttp } from '../../core/http-refresh';
import { hasPermission } from '../../core/session';
import { HttpRefreshNotice } from '../../shell/http-refresh-notice';

/** A completed snapshot joins the stored list. */
function addCompleted(list: readonly SnapshotInfo[], event: SnapshotEvent): readonly SnapshotInfo[] {
  if (event.status !== 'completed' || list.some((s) => s.snapshotId === event.snapshotId)) return list;
  const records = typeof event.details['records'] === 'number' ? event.details['records'] : 0;
  return [...list, { snapshotId: event.snapshotId, createdAt: event.timestamp, records }];
}

/**
 * Snapshots, for admins (the server refuses the list to everyone else, and a viewer sees only that
 * refusal): the stored list (a `liveResource` over `GET /admin/snapshots`, a snapshot anyone
 * completes joining it) and the ones in flight, from `snapshot_event`s. On ApexStore 2.2's change
 * stream (no snapshot events) the list is refreshed over HTTP instead.
 */
@Component({
  selector: 'app-snapshots-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DecimalPipe, HttpRefreshNotice],
  template: `
    <h1>Snapshots</h1>
    @if (!isAdmin() || refused()) {
      <!-- The server lists snapshots to admins only: a viewer gets this and nothing else, not an
           empty list that would claim there are none. -->
      <p class="notice" data-testid="snapshots-refused">
        Snapshots need the Admin permission; your account ({{ permissionsText() }}) cannot list or create them.
      </p>
    } @else {
      <app-http-refresh-notice [refresher]="refresher" missing="Snapshot events" />
      <div class="controls">
        <button type="button" (click)="create()" [disabled]="creating()" data-testid="snapshot-create">
          {{ creating() ? 'Requesting…' : 'Create snapshot' }}
        </button>
      </div>
      @if (error() ?? loadError(); as message) {
        <p class="notice error" data-testid="snapshots-error">{{ message }}</p>
      }

      @if (inFlight().length > 0) {
        <h2>In progress</h2>
        <ul class="plain">
          @for (event of inFlight(); track event.snapshotId) {
            <li data-testid="snapshot-in-flight" [attr.data-id]="event.snapshotId">{{ event.snapshotId }}: {{ event.status }}…</li>
          }
        </ul>
      }

      <h2>Stored</h2>
      @if (listed()) {
        <div class="table-scroll">
          <table class="table">
            <thead><tr><th>Created</th><th>Records</th><th>Snapshot</th></tr></thead>
            <tbody>
              @for (snapshot of snapshots(); track snapshot.snapshotId) {
                <tr data-testid="snapshot-row" [attr.data-id]="snapshot.snapshotId" [class.fresh]="snapshot.snapshotId === lastCompleted()">
                  <td class="nowrap">{{ snapshot.createdAt | date: 'medium' }}</td>
                  <td>{{ snapshot.records | number }}</td>
                  <td class="mono">{{ snapshot.snapshotId }}</td>
                </tr>
              } @empty {
                <tr><td colspan="3" class="muted" data-testid="snapshots-empty">No snapshots yet.</td></tr>
              }
            </tbody>
          </table>
        </div>
      } @else if (!loadError()) {
        <p class="muted" data-testid="snapshots-loading">Loading…</p>
      }
      @for (event of failures(); track event.seq) {
        <p class="notice error" data-testid="snapshot-failed">Snapshot {{ event.snapshotId }} failed{{ event.details['error'] ? ': ' + event.details['error'] : '' }}</p>
      }
    }
  `,
  styles: `
    .nowrap { white-space: nowrap; }
    .plain { list-style: none; padding: 0; }
    tr.fresh { animation: flash 1.5s ease-out; }
    @keyframes flash { from { background: #e3f6ea; } }
  `,
})
export class SnapshotsPage {
  private readonly api = inject(ApexApi);
  private readonly ws = inject(WebSocketService);
  private readonly auth = inject(AuthService);

  protected readonly isAdmin = computed(() => hasPermission(this.auth.user(), 'Admin'));
  /** Where snapshot events never come, the list is fetched again (a viewer's idle list asks nothing). */
  protected readonly refresher = refreshOverHttp(() => this.stored);
  protected readonly stored = liveResource({
    // Only admins may list them: a viewer's page asks nothing and shows the refusal.
    params: () => (this.isAdmin() ? true : undefined),
    load: () => this.api.listSnapshots().pipe(this.refresher.stamp()),
    events: (rt) => rt.onSnapshotEvents(),
    reduce: addCompleted,
    defaultValue: [],
  });
  protected readonly snapshots = computed(() =>
    [...(this.stored.hasValue() ? this.stored.value() : [])].sort((a, b) => b.createdAt - a.createdAt),
  );
  protected readonly loadError = computed(() => {
    const failed = this.stored.error();
    return failed ? errorMessage(failed) : null;
  });
  protected readonly events = signal<readonly SnapshotEvent[]>([]);
  protected readonly creating = signal(false);
  protected readonly error = signal<string | null>(null);
  /** The list is in (also while a resync reloads it): never "No snapshots yet" before the answer or after a failure. */
  protected readonly listed = computed(() => ['resolved', 'reloading', 'local'].includes(this.stored.status()));
  /** The server said no (403): its word wins over what this session believed about its permissions. */
  protected readonly refused = computed(() => {
    const failed = this.stored.error();
    return failed instanceof HttpErrorResponse && failed.status === 403;
  });
  protected readonly permissionsText = computed(() => {
    const permissions = this.auth.user()?.permissions ?? [];
    return permissions.length > 0 ? permissions.join(', ') : 'no permissions';
  });
  /** Latest event per snapshot id, newest first. */
  private readonly latestById = computed(() => {
    const seen = new Map<string, SnapshotEvent>();
    for (const event of this.events()) if (!seen.has(event.snapshotId)) seen.set(event.snapshotId, event);
    return [...seen.values()];
  });
  protected readonly inFlight = computed(() => this.latestById().filter((e) => e.status === 'started'));
  protected readonly failures = computed(() => this.latestById().filter((e) => e.status === 'failed'));
  protected readonly lastCompleted = computed(() => this.latestById().find((e) => e.status === 'completed')?.snapshotId ?? null);

  constructor() {
    this.ws
      .onSnapshotEvents()
      .pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((event) => this.events.update((list) => [event, ...list].slice(0, 50)));
  }

  protected create(): void {
    this.creating.set(true);
    this.error.set(null);
    this.api.createSnapshot().subscribe({
      next: () => {
        this.creating.set(false);
        // Without snapshot events, the new one is only seen by asking.
        if (this.refresher.active) this.refresher.refresh();
      },
      error: (err: unknown) => {
        this.creating.set(false);
        this.error.set(errorMessage(err));
      },
    });
  }
}
