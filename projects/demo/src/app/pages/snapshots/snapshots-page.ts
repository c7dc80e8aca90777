import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { WebSocketService, liveResource, type SnapshotEvent, type SnapshotInfo } from 'ngx-realtime';
import { ApexApi } from '../../core/apex-api';
import { AuthService } from '../../core/auth-service';
import { errorMessage } from '../../core/error-message';
import { hasPermission } from '../../core/session';

/** A completed snapshot joins the stored list. */
function addCompleted(list: readonly SnapshotInfo[], event: SnapshotEvent): readonly SnapshotInfo[] {
  if (event.status !== 'completed' || list.some((s) => s.snapshotId === event.snapshotId)) return list;
  const records = typeof event.details['records'] === 'number' ? event.details['records'] : 0;
  return [...list, { snapshotId: event.snapshotId, createdAt: event.timestamp, records }];
}

/**
 * Snapshots: the stored list (a `liveResource` over `GET /admin/snapshots`, a snapshot anyone
 * completes joining it) and the ones in flight, from `snapshot_event`s.
 */
@Component({
  selector: 'app-snapshots-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DecimalPipe],
  template: `
    <h1>Snapshots</h1>
    <div class="row">
      <button type="button" (click)="create()" [disabled]="!isAdmin() || creating()" data-testid="snapshot-create">
        {{ creating() ? 'Requesting…' : 'Create snapshot' }}
      </button>
      @if (!isAdmin()) { <span class="muted">Needs the Admin permission.</span> }
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
    <table class="table">
      <thead><tr><th>Snapshot</th><th>Created</th><th>Records</th></tr></thead>
      <tbody>
        @for (snapshot of snapshots(); track snapshot.snapshotId) {
          <tr data-testid="snapshot-row" [attr.data-id]="snapshot.snapshotId" [class.fresh]="snapshot.snapshotId === lastCompleted()">
            <td class="mono">{{ snapshot.snapshotId }}</td>
            <td>{{ snapshot.createdAt | date: 'medium' }}</td>
            <td>{{ snapshot.records | number }}</td>
          </tr>
        } @empty {
          <tr><td colspan="3" class="muted" data-testid="snapshots-empty">No snapshots yet.</td></tr>
        }
      </tbody>
    </table>
    @for (event of failures(); track event.seq) {
      <p class="notice error" data-testid="snapshot-failed">Snapshot {{ event.snapshotId }} failed{{ event.details['error'] ? ': ' + event.details['error'] : '' }}</p>
    }
  `,
  styles: `
    .row { display: flex; align-items: center; gap: .8rem; }
    .plain { list-style: none; padding: 0; }
    tr.fresh { animation: flash 1.5s ease-out; }
    @keyframes flash { from { background: #e3f6ea; } }
  `,
})
export class SnapshotsPage {
  private readonly api = inject(ApexApi);
  private readonly ws = inject(WebSocketService);
  private readonly auth = inject(AuthService);

  private readonly stored = liveResource({
    load: () => this.api.listSnapshots(),
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
  protected readonly isAdmin = computed(() => hasPermission(this.auth.user(), 'Admin'));
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
      next: () => this.creating.set(false),
      error: (err: unknown) => {
        this.creating.set(false);
        this.error.set(errorMessage(err));
      },
    });
  }
}
