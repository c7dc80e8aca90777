import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { WebSocketService, liveResource, reduceKeyChanges, type KeyChangeEvent, type KeyValueBody } from 'ngx-realtime';
import { ApexApi } from '../../core/apex-api';
import { AuthService } from '../../core/auth-service';
import { errorMessage } from '../../core/error-message';
import { Notifier } from '../../core/notifier';
import { hasPermission } from '../../core/session';

type Remote = 'changed' | 'deleted' | 'added';

/** A listed key, with what the live stream told us about it since it was fetched. */
interface KeyRow extends KeyValueBody {
  /** Set when another client wrote or deleted the key while we were looking. */
  remote?: Remote;
}

/** The server's most; paging comes with the demo's polish. */
const LIMIT = 1000;

/**
 * Key explorer: the list is a `liveResource` (loaded over REST, kept exact by `key_change` events).
 * On top of it the page badges what another client changed, keeps rows another client deleted
 * struck through until the next search, and announces those writes in a toast; this tab's own
 * writes are applied quietly.
 */
@Component({
  selector: 'app-keys-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule],
  template: `
    <h1>Keys</h1>
    <div class="toolbar">
      <form (ngSubmit)="search()">
        <input name="prefix" placeholder="Prefix filter" [(ngModel)]="prefix" data-testid="keys-prefix" />
        <button type="submit" class="secondary" data-testid="keys-refresh">Search</button>
      </form>
      <span class="muted" data-testid="keys-count">{{ rows().length }} key{{ rows().length === 1 ? '' : 's' }}</span>
    </div>

    @if (canWrite()) {
      <form class="card put-form" (ngSubmit)="put()" data-testid="put-form">
        <input name="key" placeholder="key" [(ngModel)]="draftKey" data-testid="put-key" required />
        <input name="value" placeholder="value" [(ngModel)]="draftValue" data-testid="put-value" />
        <button type="submit" [disabled]="!draftKey().trim()" data-testid="put-submit">Put</button>
      </form>
    } @else {
      <p class="notice" data-testid="read-only">Your account is read-only: you can watch keys change but not write them.</p>
    }

    @if (error(); as message) {
      <p class="notice error" data-testid="keys-error">{{ message }}</p>
    }

    @if (keys.isLoading() && rows().length === 0) {
      <p class="muted">Loading…</p>
    } @else if (rows().length === 0) {
      <p class="muted" data-testid="keys-empty">No keys{{ prefix() ? ' with prefix “' + prefix() + '”' : '' }}.</p>
    } @else {
      <table class="table">
        <thead><tr><th>Key</th><th>Value</th><th>CF</th><th></th></tr></thead>
        <tbody>
          @for (row of rows(); track row.key) {
            <tr data-testid="key-row" [attr.data-key]="row.key" [class.deleted]="row.remote === 'deleted'" [class.flash]="!!row.remote">
              <td class="key">
                {{ row.key }}
                @if (row.remote) {
                  <span class="badge" data-testid="key-badge">{{ badgeText(row.remote) }}</span>
                }
              </td>
              <td data-testid="key-value">{{ row.value }}</td>
              <td class="muted">{{ row.cf }}</td>
              <td class="actions">
                @if (canWrite() && row.remote !== 'deleted') {
                  <button type="button" class="secondary" (click)="edit(row)" data-testid="key-edit">Edit</button>
                  <button type="button" class="danger" (click)="remove(row.key)" data-testid="key-delete">Delete</button>
                }
              </td>
            </tr>
          }
        </tbody>
      </table>
    }
  `,
  styles: `
    .toolbar { display: flex; justify-content: space-between; align-items: center; margin-bottom: .8rem; }
    .toolbar form, .put-form { display: flex; gap: .5rem; }
    .put-form { margin-bottom: 1rem; }
    .put-form input[name='value'] { flex: 1; }
    .key { font-family: var(--mono); }
    .actions { text-align: right; white-space: nowrap; }
    .actions button { margin-left: .3rem; }
    .badge { margin-left: .5rem; font-family: var(--sans); font-size: .75rem; padding: .1rem .45rem; border-radius: 999px;
      background: #fff4dc; color: #7a5400; }
    tr.deleted td { text-decoration: line-through; opacity: .6; }
    tr.deleted .badge { text-decoration: none; }
    tr.flash { animation: flash 1.2s ease-out; }
    @keyframes flash { from { background: #fff4dc; } }
  `,
})
export class KeysPage {
  private readonly api = inject(ApexApi);
  private readonly ws = inject(WebSocketService);
  private readonly notifier = inject(Notifier);
  private readonly auth = inject(AuthService);
  /** Writes this tab made whose `key_change` has not come back yet: key -> how many. */
  private readonly ownPending = new Map<string, number>();

  protected readonly prefix = signal('');
  /** The prefix searched for (the input may have moved on since). */
  private readonly searched = signal('');
  protected readonly draftKey = signal('');
  protected readonly draftValue = signal('');
  private readonly writeError = signal<string | null>(null);
  /** What another client did to a row since the last search. */
  private readonly remote = signal<ReadonlyMap<string, Remote>>(new Map());
  /** Rows another client deleted, still shown struck through. */
  private readonly tombstones = signal<ReadonlyMap<string, KeyValueBody>>(new Map());

  protected readonly keys = liveResource({
    params: () => ({ prefix: this.searched() }),
    load: ({ prefix }) => this.api.listKeys({ prefix, limit: LIMIT }),
    events: (rt, { prefix }) => rt.onKeyChanges({ keyPrefix: prefix }),
    reduce: reduceKeyChanges(),
    defaultValue: [],
  });

  protected readonly rows = computed<readonly KeyRow[]>(() => {
    const remote = this.remote();
    const live = this.keys.hasValue() ? this.keys.value() : [];
    const rows: KeyRow[] = live.map((row) => (remote.has(row.key) ? { ...row, remote: remote.get(row.key) } : row));
    for (const gone of this.tombstones().values()) rows.push({ ...gone, remote: 'deleted' });
    return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  });
  protected readonly error = computed(() => {
    const failed = this.keys.error();
    return this.writeError() ?? (failed ? errorMessage(failed) : null);
  });
  protected readonly canWrite = computed(() => hasPermission(this.auth.user(), 'Write'));

  constructor() {
    const destroyRef = inject(DestroyRef);
    // Subscribed before the resource's own stream, so it sees each event before the list has it.
    this.ws
      .onKeyChanges()
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((event) => this.annotate(event));
    // The list reloads itself; badges of the old one would describe nothing now.
    this.ws.resync$.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => this.clearAnnotations());
  }

  /** Searches the current prefix (again, if unchanged), dropping badges. */
  protected search(): void {
    this.clearAnnotations();
    const prefix = this.prefix().trim();
    if (prefix === this.searched()) this.keys.reload();
    else this.searched.set(prefix);
  }

  protected put(): void {
    const key = this.draftKey().trim();
    if (!key) return;
    this.write(key, this.api.putKey(key, this.draftValue()), () => {
      this.draftKey.set('');
      this.draftValue.set('');
    });
  }

  protected remove(key: string): void {
    this.write(key, this.api.deleteKey(key));
  }

  protected edit(row: KeyRow): void {
    this.draftKey.set(row.key);
    this.draftValue.set(row.value);
  }

  protected badgeText(remote: Remote): string {
    return remote === 'deleted' ? 'deleted by another client' : remote === 'added' ? 'added by another client' : 'changed by another client';
  }

  private write(key: string, request: ReturnType<ApexApi['putKey']>, done?: () => void): void {
    // Registered before sending: the event can arrive before the HTTP answer does.
    this.ownPending.set(key, (this.ownPending.get(key) ?? 0) + 1);
    request.subscribe({
      next: () => {
        this.writeError.set(null);
        done?.();
      },
      error: (err: unknown) => {
        this.forgetOwn(key);
        this.writeError.set(errorMessage(err));
      },
    });
  }

  private forgetOwn(key: string): boolean {
    const pending = this.ownPending.get(key) ?? 0;
    if (pending === 0) return false;
    if (pending === 1) this.ownPending.delete(key);
    else this.ownPending.set(key, pending - 1);
    return true;
  }

  private clearAnnotations(): void {
    this.remote.set(new Map());
    this.tombstones.set(new Map());
  }

  private annotate(event: KeyChangeEvent): void {
    const own = this.forgetOwn(event.key);
    if (!event.key.startsWith(this.searched())) return;
    const listed = untracked(() => (this.keys.hasValue() ? this.keys.value() : [])).find((row) => row.key === event.key && row.cf === event.cf);
    const tombstones = new Map(this.tombstones());
    tombstones.delete(event.key);
    const remote = new Map(this.remote());
    if (own) remote.delete(event.key);
    else if (event.operation === 'delete') {
      if (!listed) return;
      tombstones.set(event.key, listed);
      remote.set(event.key, 'deleted');
    } else remote.set(event.key, listed ? 'changed' : 'added');
    this.tombstones.set(tombstones);
    this.remote.set(remote);
    const kind = remote.get(event.key);
    if (!own && kind) this.notifier.notify(`${event.key} was ${kind} by another client`, 'info');
  }
}
