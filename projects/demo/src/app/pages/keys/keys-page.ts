import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { WebSocketService, type KeyChangeEvent, type KeyValueBody } from 'ngx-realtime';
import { ApexApi } from '../../core/apex-api';
import { AuthService } from '../../core/auth-service';
import { errorMessage } from '../../core/error-message';
import { Notifier } from '../../core/notifier';
import { hasPermission } from '../../core/session';

/** A listed key, with what the live stream told us about it since it was fetched. */
interface KeyRow extends KeyValueBody {
  /** Set when another client wrote or deleted the key while we were looking. */
  remote?: 'changed' | 'deleted' | 'added';
}

const LIMIT = 200;

/**
 * Key explorer: lists keys over REST, writes and deletes them, and keeps the list live. Writes by
 * another client are applied to the list, badged on the row and announced in a toast; this tab's
 * own writes are applied quietly.
 */
@Component({
  selector: 'app-keys-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule],
  template: `
    <h1>Keys</h1>
    <div class="toolbar">
      <form (ngSubmit)="load()">
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

    @if (loading() && rows().length === 0) {
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
  /** The prefix the shown list was fetched with (the input may have moved on since). */
  private listedPrefix = '';

  protected readonly prefix = signal('');
  protected readonly draftKey = signal('');
  protected readonly draftValue = signal('');
  protected readonly rows = signal<readonly KeyRow[]>([]);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly canWrite = computed(() => hasPermission(this.auth.user(), 'Write'));

  constructor() {
    const destroyRef = inject(DestroyRef);
    this.ws
      .onKeyChanges()
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((event) => this.apply(event));
    // Events were missed: the list may be stale in ways no badge can describe.
    this.ws.resync$.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => this.load());
    this.load();
  }

  /** Fetches the list for the current prefix, dropping badges. */
  protected load(): void {
    const prefix = this.prefix().trim();
    this.loading.set(true);
    this.api.listKeys({ prefix, limit: LIMIT }).subscribe({
      next: (body) => {
        this.listedPrefix = prefix;
        this.rows.set([...body.keys].sort((a, b) => a.key.localeCompare(b.key)));
        this.loading.set(false);
        this.error.set(null);
      },
      error: (err: unknown) => {
        this.loading.set(false);
        this.error.set(errorMessage(err));
      },
    });
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

  protected badgeText(remote: NonNullable<KeyRow['remote']>): string {
    return remote === 'deleted' ? 'deleted by another client' : remote === 'added' ? 'added by another client' : 'changed by another client';
  }

  private write(key: string, request: ReturnType<ApexApi['putKey']>, done?: () => void): void {
    // Registered before sending: the event can arrive before the HTTP answer does.
    this.ownPending.set(key, (this.ownPending.get(key) ?? 0) + 1);
    request.subscribe({
      next: () => {
        this.error.set(null);
        done?.();
      },
      error: (err: unknown) => {
        this.forgetOwn(key);
        this.error.set(errorMessage(err));
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

  private apply(event: KeyChangeEvent): void {
    const own = this.forgetOwn(event.key);
    const listed = this.rows().some((row) => row.key === event.key);
    if (!listed && !event.key.startsWith(this.listedPrefix)) return;
    if (!listed && event.operation === 'delete') return;

    const remote: KeyRow['remote'] = own ? undefined : event.operation === 'delete' ? 'deleted' : listed ? 'changed' : 'added';
    this.rows.update((rows) => {
      if (event.operation === 'delete') {
        return own ? rows.filter((r) => r.key !== event.key) : rows.map((r) => (r.key === event.key ? { ...r, remote } : r));
      }
      const updated: KeyRow = { key: event.key, value: event.value ?? '', cf: event.cf, remote };
      return listed
        ? rows.map((r) => (r.key === event.key ? updated : r))
        : [...rows, updated].sort((a, b) => a.key.localeCompare(b.key));
    });
    if (remote) this.notifier.notify(`${event.key} was ${remote === 'changed' ? 'changed' : remote} by another client`, 'info');
  }
}
