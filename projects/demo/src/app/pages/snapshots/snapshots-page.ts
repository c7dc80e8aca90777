import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { WebSocketService, type SnapshotEvent, type SnapshotInfo } from 'ngx-realtime';
import { EMPTY, catchError, filter, map, merge, startWith, switchMap } from 'rxjs';
import { ApexApi } from '../../core/apex-api';
import { AuthService } from '../../core/auth-service';
import { errorMessage } from '../../core/error-message';
import { hasPermission } from '../../core/session';

/**
 * Snapshots: the stored list (refetched whenever a snapshot completes, by anyone) and the ones
 * in flight, from `snapshot_event`s.
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
    @if (error(); as message) {
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

  protected readonly snapshots = signal<readonly SnapshotInfo[]>([]);
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
    const destroyRef = inject(DestroyRef);
    const events$ = this.ws.onSnapshotEvents();
    events$.pipe(takeUntilDestroyed(destroyRef)).subscribe((event) => this.events.update((list) => [event, ...list].slice(0, 50)));

    merge(events$.pipe(filter((e) => e.status === 'completed')), this.ws.resync$)
      .pipe(
        startWith(null),
        switchMap(() =>
          this.api.listSnapshots().pipe(
            catchError((err: unknown) => {
              this.error.set(errorMessage(err));
              return EMPTY;
            }),
          ),
        ),
        map((list) => [...list].sort((a, b) => b.createdAt - a.createdAt)),
        takeUntilDestroyed(destroyRef),
      )
      .subscribe((list) => {
        this.error.set(null);
        this.snapshots.set(list);
      });
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
