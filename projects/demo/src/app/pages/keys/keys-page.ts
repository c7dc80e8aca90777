import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { ActivatedRoute, Router } from '@angular/router';
import { WebSocketService, liveResource, liveSnapshot, type KeyChangeEvent, type KeyValueBody, type LiveSnapshot } from 'ngx-realtime';
import { map, type Observable } from 'rxjs';
import { ApexApi, type WriteReceipt } from '../../core/apex-api';
import { AuthService } from '../../core/auth-service';
import { putBodyProblem, tooLargeMessage } from '../../core/body-size';
import { errorMessage } from '../../core/error-message';
import { keyNameProblem } from '../../core/key-name';
import { Notifier } from '../../core/notifier';
import { hasPermission } from '../../core/session';
import { inPage, keyListPage, reduceKeyListPage, type KeyListPage } from './key-list-page';
import { KeyPager } from './key-pager';
import { KeyRowView, type KeyRow } from './key-row';
import { KeyValueDialog } from './key-value-dialog';
import { OwnWrites } from './own-writes';
import { RemoteChanges } from './remote-changes';

/** Page sizes on offer (the server lists at most 1000 keys at once). */
const PAGE_SIZES = [25, 100, 500, 1000] as const;
const DEFAULT_PAGE_SIZE = 100;
/** The column family the explorer lists (the server's default). */
const CF = 'default';

/** Where a page starts: after which key, and how many keys come before it. */
interface PageStart {
  after: string | null;
  offset: number;
}
const FIRST_PAGE: PageStart = { after: null, offset: 0 };

/** A failed write, shown where it was asked for: in its row, or at the Put form (`key` null). */
interface WriteError {
  key: string | null;
  message: string;
}

/**
 * Key explorer: one page of keys at a time, a `liveResource` (loaded over REST, kept exact by
 * `key_change` events inside the page's key range; writes to other pages only raise a hint).
 * On top of it the page shows this tab's answered writes at once (marked "saved" until the live
 * stream has them), badges what another client changed, keeps rows another client deleted struck
 * through until the next search, and announces those writes in a toast. The prefix and page size
 * live in the URL (`/keys?prefix=user:&size=500`).
 *
 * @example
 * ```ts
 * { path: 'keys', loadComponent: () => import('./pages/keys/keys-page').then((m) => m.KeysPage) }
 * ```
 */
@Component({
  selector: 'app-keys-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, KeyPager, KeyRowView, KeyValueDialog],
  template: `
    <h1>Keys</h1>
    <div class="toolbar">
      <form (ngSubmit)="search()">
        <input name="prefix" placeholder="Prefix filter" [(ngModel)]="prefix" data-testid="keys-prefix" aria-label="Key prefix" />
        <button type="submit" class="secondary" data-testid="keys-refresh">Search</button>
        <label class="size muted">
          Per page
          <select name="size" [ngModel]="pageSize()" (ngModelChange)="changePageSize($event)" data-testid="keys-page-size">
            @for (size of pageSizes; track size) { <option [ngValue]="size">{{ size }}</option> }
          </select>
        </label>
      </form>
      <span class="muted" data-testid="keys-count">{{ countText() }}</span>
    </div>

    @if (canWrite()) {
      <form class="card put-form" (ngSubmit)="put()" data-testid="put-form">
        <input name="key" placeholder="key" [(ngModel)]="draftKey" data-testid="put-key" aria-label="New key" required />
        <input name="value" placeholder="value" [(ngModel)]="draftValue" data-testid="put-value" aria-label="Value" />
        <button type="submit" [disabled]="!draftKey().trim() || putting()" data-testid="put-submit">{{ putting() ? 'Saving…' : 'Put' }}</button>
      </form>
      @if (formError(); as message) {
        <p class="notice error" role="alert" data-testid="put-error">{{ message }}</p>
      }
      @if (savedElsewhere(); as key) {
        <p class="notice" data-testid="put-saved-elsewhere">Saved “{{ key }}”; it belongs to another page of the list.</p>
      }
    } @else {
      <p class="notice" data-testid="read-only">Your account is read-only: you can watch keys change but not write them.</p>
    }

    @if (loadError(); as message) {
      <p class="notice error" data-testid="keys-error">{{ message }}</p>
    }

    @if (view(); as view) {
      @if (view.changedElsewhere > 0) {
        <p class="notice hint" data-testid="keys-elsewhere">
          Keys on other pages changed since this page loaded ({{ view.changedElsewhere }}), so the total may be off.
          <button type="button" class="link" (click)="keys.reload()" data-testid="keys-elsewhere-reload">Reload</button>
        </p>
      }
      @if (paged()) {
        <app-key-pager [offset]="start().offset" [shown]="view.shownCount" [total]="view.total" [hasPrevious]="trail().length > 1"
          [hasNext]="view.next !== null" (previous)="previous()" (next)="next()" data-testid="keys-pager" />
      }
      @if (view.rows.length === 0) {
        <p class="muted" data-testid="keys-empty">
          @if (paged()) { No keys on this page. } @else { No keys{{ searched() ? ' with prefix “' + searched() + '”' : '' }}. }
        </p>
      } @else {
        <table class="table keys">
          <thead><tr><th class="key">Key</th><th>Value</th><th class="cf">CF</th><th class="actions"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            @for (row of view.rows; track row.key) {
              <tr app-key-row [row]="row" [canWrite]="canWrite()" [editing]="editing() === row.key" [confirming]="confirming() === row.key"
                [busy]="busy().has(row.key)" [error]="rowError(row.key)"
                (edit)="startEdit(row.key)" (save)="saveEdit(row.key, $event)" (cancel)="cancelMode()"
                (askDelete)="askDelete(row.key)" (confirmDelete)="remove(row.key)" (showAll)="shownWhole.set(row)"></tr>
            }
          </tbody>
        </table>
      }
    } @else if (keys.isLoading()) {
      <p class="muted">Loading…</p>
    }

    @if (wholeRow(); as row) {
      <app-key-value-dialog [row]="row" (closed)="shownWhole.set(null)" />
    }
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .toolbar { display: flex; justify-content: space-between; align-items: center; gap: .5rem; flex-wrap: wrap; margin-bottom: .8rem; }
    .toolbar form, .put-form { display: flex; gap: .5rem; flex-wrap: wrap; }
    .toolbar input { min-width: 0; flex: 1 1 10rem; }
    .size { display: flex; align-items: center; gap: .35rem; font-size: .9rem; white-space: nowrap; }
    select { font: inherit; padding: .4rem .4rem; border: 1px solid #c8ced8; border-radius: 6px; background: #fff; }
    .put-form { margin-bottom: 1rem; }
    .put-form input { min-width: 0; flex: 1 1 10rem; }
    .put-form input[name='value'] { flex: 3 1 14rem; }
    .keys { table-layout: fixed; }
    .keys th.key { width: 30%; }
    .keys th.cf { width: 6rem; }
    .keys th.actions { width: 13rem; }
    .hint { background: #eef4ff; }
    button.link { border: 0; background: none; color: var(--accent); padding: 0; text-decoration: underline; }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
    @media (max-width: 40rem) {
      .keys, .keys tbody { display: block; }
      .keys thead { display: none; }
    }
  `,
})
export class KeysPage {
  private readonly api = inject(ApexApi);
  private readonly ws = inject(WebSocketService);
  private readonly notifier = inject(Notifier);
  private readonly auth = inject(AuthService);
  private readonly own = new OwnWrites();
  /** Absent outside the router (specs): the search then just is not kept in the URL. */
  private readonly route = inject(ActivatedRoute, { optional: true });
  private readonly router = inject(Router);
  private readonly query = this.route?.snapshot.queryParamMap;

  protected readonly pageSizes = PAGE_SIZES;
  /** The search and page size come from the URL, so a reload (or a shared link) shows the same list. */
  protected readonly prefix = signal(this.query?.get('prefix') ?? '');
  /** The prefix searched for (the input may have moved on since). */
  protected readonly searched = signal(this.prefix());
  protected readonly pageSize = signal<number>(PAGE_SIZES.find((size) => String(size) === this.query?.get('size')) ?? DEFAULT_PAGE_SIZE);
  /** The pages walked through with Next, the shown one last (Previous goes back along it). */
  protected readonly trail = signal<readonly PageStart[]>([FIRST_PAGE]);
  protected readonly start = computed(() => this.trail()[this.trail().length - 1]!);
  protected readonly draftKey = signal('');
  protected readonly draftValue = signal('');
  protected readonly putting = signal(false);
  protected readonly formError = signal<string | null>(null);
  /** A key this tab just wrote that is listed on another page (it does not show on this one). */
  protected readonly savedElsewhere = signal<string | null>(null);
  private readonly writeErrors = signal<readonly WriteError[]>([]);
  /** The row whose value is being edited, and the row asking whether to delete. */
  protected readonly editing = signal<string | null>(null);
  protected readonly confirming = signal<string | null>(null);
  /** Rows with a write on its way. */
  protected readonly busy = signal<ReadonlySet<string>>(new Set());
  /** The row whose whole value is open in the dialog, as it was when opened. */
  protected readonly shownWhole = signal<KeyValueBody | null>(null);
  /** What other clients did to this page's rows since the last search. */
  private readonly remote = new RemoteChanges();

  protected readonly keys = liveResource({
    params: () => ({ prefix: this.searched(), after: this.start().after, limit: this.pageSize() }),
    load: ({ prefix, after, limit }) => this.loadPage(prefix, after, limit),
    events: (rt, { prefix }) => rt.onKeyChanges({ keyPrefix: prefix, cf: CF }),
    reduce: reduceKeyListPage,
  });

  /** The page as shown: the live list, this tab's answered writes on top, badges and struck-through rows. */
  protected readonly view = computed(() => {
    const page = this.currentPage();
    if (!page) return null;
    // A reload in flight may predate an answered write: keep showing it until the new list is in.
    const lastSeq = this.keys.isLoading() ? null : this.ws.lastSeq();
    let shown = page;
    const saved = new Set<string>();
    for (const write of this.own.unconfirmed(lastSeq)) {
      if (write.cf !== CF || !inPage(page, write.key)) continue;
      shown = reduceKeyListPage(shown, asEvent(write));
      if (write.value !== null) saved.add(write.key);
    }
    const remote = this.remote.badges();
    const rows: KeyRow[] = shown.rows.map((row) => ({ ...row, remote: remote.get(row.key), saved: saved.has(row.key) }));
    for (const gone of this.remote.tombstones().values()) if (!rows.some((row) => row.key === gone.key)) rows.push({ ...gone, remote: 'deleted' });
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { rows, shownCount: shown.rows.length, total: shown.total, next: page.end, changedElsewhere: page.changedElsewhere };
  });
  /** The dialog's row as it is now: another client's write to it shows there too. */
  protected readonly wholeRow = computed(() => {
    const opened = this.shownWhole();
    return opened && (this.view()?.rows.find((row) => row.key === opened.key) ?? opened);
  });
  /** Whether the list has more than this page (so the pager shows). */
  protected readonly paged = computed(() => {
    const view = this.view();
    return this.trail().length > 1 || (view !== null && (view.next !== null || view.total > view.shownCount));
  });
  protected readonly countText = computed(() => {
    const view = this.view();
    if (!view) return '';
    const n = view.total;
    // Paged, the pager says "1–100 of 267" itself.
    return this.paged() ? '' : `${n} key${n === 1 ? '' : 's'}`;
  });
  protected readonly loadError = computed(() => {
    const failed = this.keys.error();
    return failed ? errorMessage(failed) : null;
  });
  protected readonly canWrite = computed(() => hasPermission(this.auth.user(), 'Write'));

  constructor() {
    const destroyRef = inject(DestroyRef);
    // Subscribed before the resource's own stream, so it sees each event before the list has it.
    this.ws
      .onKeyChanges()
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((event) => this.annotate(event));
    // Confirmed writes go, so a later reload (which shows them all meanwhile) cannot bring back a stale one.
    effect(() => {
      const lastSeq = this.ws.lastSeq();
      if (!this.keys.isLoading()) untracked(() => this.own.confirmedUpTo(lastSeq));
    });
    // The list reloads itself; badges of the old one would describe nothing now.
    this.ws.resync$.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => this.clearAnnotations());
  }

  /** Searches the current prefix (again, if unchanged) from its first page, dropping badges. */
  protected search(): void {
    this.clearAnnotations();
    this.cancelMode();
    const prefix = this.prefix().trim();
    const onFirstPage = this.trail().length === 1;
    if (prefix === this.searched() && onFirstPage) this.keys.reload();
    else {
      this.searched.set(prefix);
      if (!onFirstPage) this.trail.set([FIRST_PAGE]);
    }
    this.keepInUrl();
  }

  protected changePageSize(size: number): void {
    this.pageSize.set(size);
    this.turnPage([FIRST_PAGE]);
    this.keepInUrl();
  }

  protected next(): void {
    const view = this.view();
    if (!view || view.next === null) return;
    this.turnPage([...this.trail(), { after: view.next, offset: this.start().offset + view.shownCount }]);
  }

  protected previous(): void {
    if (this.trail().length > 1) this.turnPage(this.trail().slice(0, -1));
  }

  protected put(): void {
    const key = this.draftKey().trim();
    const value = this.draftValue();
    const problem = keyNameProblem(key) ?? putBodyProblem(value);
    this.formError.set(problem);
    this.savedElsewhere.set(null);
    if (problem) return;
    this.putting.set(true);
    this.write(key, value, this.api.putKey(key, value), {
      done: () => {
        this.putting.set(false);
        this.draftKey.set('');
        this.draftValue.set('');
        const page = untracked(() => this.currentPage());
        if (page && !inPage(page, key)) this.savedElsewhere.set(key);
      },
      failed: (message) => {
        this.putting.set(false);
        this.formError.set(message);
      },
    });
  }

  protected startEdit(key: string): void {
    this.confirming.set(null);
    this.clearRowError(key);
    this.editing.set(key);
  }

  protected saveEdit(key: string, value: string): void {
    const problem = putBodyProblem(value);
    if (problem) return this.setRowError(key, problem);
    this.write(key, value, this.api.putKey(key, value), {
      done: () => {
        if (this.editing() === key) this.editing.set(null);
      },
      failed: (message) => this.setRowError(key, message),
    });
  }

  protected askDelete(key: string): void {
    this.editing.set(null);
    this.clearRowError(key);
    this.confirming.set(key);
  }

  protected remove(key: string): void {
    this.write(key, null, this.api.deleteKey(key), {
      done: () => {
        if (this.confirming() === key) this.confirming.set(null);
      },
      failed: (message) => {
        this.confirming.set(null);
        this.setRowError(key, message);
      },
    });
  }

  protected cancelMode(): void {
    this.editing.set(null);
    this.confirming.set(null);
  }

  protected rowError(key: string): string | null {
    return this.writeErrors().find((e) => e.key === key)?.message ?? null;
  }

  private keepInUrl(): void {
    if (!this.route) return;
    const queryParams = { prefix: this.searched() || null, size: this.pageSize() === DEFAULT_PAGE_SIZE ? null : this.pageSize() };
    void this.router.navigate([], { relativeTo: this.route, queryParams, replaceUrl: true });
  }

  private loadPage(prefix: string, after: string | null, limit: number): Observable<LiveSnapshot<KeyListPage>> {
    return this.api
      .listKeys({ prefix, limit, after: after ?? undefined })
      .pipe(map((snapshot) => liveSnapshot(keyListPage(snapshot.value, prefix, after), snapshot.seq)));
  }

  /** The shown page, if any (a failed load has none). */
  private currentPage(): KeyListPage | undefined {
    return this.keys.hasValue() ? this.keys.value() : undefined;
  }

  private turnPage(trail: readonly PageStart[]): void {
    this.cancelMode();
    this.clearAnnotations();
    this.trail.set(trail);
  }

  /** Sends a put (`value`) or delete (`null`) and shows it once answered, before its event. */
  private write(key: string, value: string | null, request: Observable<WriteReceipt>, then: { done: () => void; failed: (message: string) => void }): void {
    // Registered before sending: the event can arrive before the HTTP answer does.
    this.own.sent(key);
    this.busy.update((busy) => new Set(busy).add(key));
    const settle = () => this.busy.update((busy) => new Set([...busy].filter((k) => k !== key)));
    request.subscribe({
      next: ({ seq }) => {
        settle();
        this.clearRowError(key);
        this.own.answered({ key, cf: CF, value, seq }, this.ws.lastSeq());
        then.done();
      },
      error: (err: unknown) => {
        settle();
        this.own.failed(key);
        then.failed(tooLargeMessage(err) ?? errorMessage(err));
      },
    });
  }

  private setRowError(key: string, message: string): void {
    this.writeErrors.update((errors) => [...errors.filter((e) => e.key !== key), { key, message }]);
  }

  private clearRowError(key: string): void {
    if (this.writeErrors().some((e) => e.key === key)) this.writeErrors.update((errors) => errors.filter((e) => e.key !== key));
  }

  private clearAnnotations(): void {
    this.remote.clear();
  }

  private annotate(event: KeyChangeEvent): void {
    const own = this.own.takeEvent(event);
    if (event.cf !== CF) return;
    const page = untracked(() => this.currentPage());
    // Writes to other pages only raise the page's hint; nothing of theirs shows here.
    if (!page || !inPage(page, event.key)) return;
    const kind = this.remote.record(event, page.rows.find((row) => row.key === event.key), own);
    if (!kind) return;
    // A row another client deleted can no longer be edited or deleted here.
    if (kind === 'deleted' && (this.editing() === event.key || this.confirming() === event.key)) this.cancelMode();
    this.notifier.notify(`${event.key} was ${kind} by another client`, 'info');
  }
}

/** An answered write as the event it will become, to show it the way the list will. */
function asEvent(write: { key: string; cf: string; value: string | null }): KeyChangeEvent {
  return write.value === null
    ? { type: 'key_change', operation: 'delete', key: write.key, cf: write.cf, seq: 0, timestamp: 0 }
    : { type: 'key_change', operation: 'put', key: write.key, cf: write.cf, value: write.value, seq: 0, timestamp: 0 };
}
