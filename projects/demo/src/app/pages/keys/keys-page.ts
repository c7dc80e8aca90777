import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { ActivatedRoute, Router } from '@angular/router';
import { WebSocketService, liveResource, liveSnapshot, type KeyChangeEvent, type KeyValueBody, type LiveSnapshot } from 'ngx-realtime';
import { EMPTY, expand, map, reduce, type Observable } from 'rxjs';
import { ApexApi, type WriteReceipt } from '../../core/apex-api';
import { AuthService } from '../../core/auth-service';
import { putBodyProblem, tooLargeMessage } from '../../core/body-size';
import { errorMessage } from '../../core/error-message';
import { keyNameProblem } from '../../core/key-name';
import { Notifier } from '../../core/notifier';
import { hasPermission } from '../../core/session';
import { Announcements } from './announcements';
import { firstAtOrAfter, inPage, keyListPage, reduceKeyListPage, rowOf, wholeList, type KeyListPage } from './key-list-page';
import { KeyPager } from './key-pager';
import { KeyRowView, type KeyRow } from './key-row';
import { KeyValueDialog } from './key-value-dialog';
import { OwnWrites } from './own-writes';
import { RemoteChanges } from './remote-changes';

/** Page sizes on offer (the server lists at most 1000 keys at once); `ALL` holds the whole list. */
const ALL = 0;
const PAGE_SIZES = [25, 100, 500, 1000, ALL] as const;
const DEFAULT_PAGE_SIZE = 100;
/** Keys asked for per request when loading the whole list (the server's most). */
const LIST_CHUNK = 1000;
/** Rows shown at once when the whole list is held: the table stays small however long the list. */
const WINDOW = 100;
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
 * `key_change` events inside the page's key range; writes to other pages only raise a hint). With
 * the "All" page size it holds every key of the prefix (100,000 and more: bursts apply in one pass
 * per batch) and shows them 100 at a time, paging locally with no reload.
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
            @for (size of pageSizes; track size) { <option [ngValue]="size">{{ size === all ? 'All' : size }}</option> }
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
        <app-key-pager [offset]="view.offset" [shown]="view.shownCount" [total]="view.total" [hasPrevious]="view.hasPrevious"
          [hasNext]="view.hasNext" (previous)="previous()" (next)="next()" data-testid="keys-pager" />
      }
      @if (holdsAll() && view.total > view.shownCount) {
        <form class="jump" (ngSubmit)="jump()">
          <input name="jump" placeholder="Go to key" [(ngModel)]="jumpTo" data-testid="keys-jump" aria-label="Go to key" />
          <button type="submit" class="secondary" data-testid="keys-jump-go">Go</button>
        </form>
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
    .jump { display: flex; justify-content: center; gap: .5rem; margin: 0 0 .8rem; }
    .jump input { min-width: 0; flex: 0 1 16rem; }
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
  protected readonly all = ALL;
  /** The search and page size come from the URL, so a reload (or a shared link) shows the same list. */
  protected readonly prefix = signal(this.query?.get('prefix') ?? '');
  /** The prefix searched for (the input may have moved on since). */
  protected readonly searched = signal(this.prefix());
  protected readonly pageSize = signal<number>(sizeFromUrl(this.query?.get('size') ?? null));
  /** The whole list is held (page size "All"): paging moves a window over it, locally. */
  protected readonly holdsAll = computed(() => this.pageSize() === ALL);
  /** Holding the whole list: the key the shown window starts at (the first one at or after it); null from the top. */
  private readonly windowFrom = signal<string | null>(null);
  protected readonly jumpTo = signal('');
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
  /** Another client's writes, announced in toasts; a burst of them in a summary. */
  private readonly announcements = new Announcements((text) => this.notifier.notify(text, 'info'));

  protected readonly keys = liveResource({
    params: () => ({ prefix: this.searched(), after: this.start().after, limit: this.pageSize() }),
    load: ({ prefix, after, limit }) => this.loadPage(prefix, after, limit),
    events: (rt, { prefix }) => rt.onKeyChanges({ keyPrefix: prefix, cf: CF }),
    reduce: reduceKeyListPage,
  });

  /**
   * The page as shown: the live list, this tab's answered writes on top, badges and struck-through
   * rows. Holding the whole list, only its window of {@link WINDOW} rows is shown and annotated, so
   * this costs the same for 100,000 keys as for 100.
   */
  protected readonly view = computed(() => {
    const page = this.currentPage();
    if (!page) return null;
    // A reload in flight may predate an answered write: keep showing it until the new list is in.
    const lastSeq = this.keys.isLoading() ? null : this.ws.lastSeq();
    const saved = new Set<string>();
    const writes: KeyChangeEvent[] = [];
    for (const write of this.own.unconfirmed(lastSeq)) {
      if (write.cf !== CF || !inPage(page, write.key)) continue;
      writes.push(asEvent(write));
      if (write.value !== null) saved.add(write.key);
    }
    const shown = writes.length === 0 ? page : reduceKeyListPage.reduceMany(page, writes);
    let start = 0;
    let end = shown.rows.length;
    if (this.holdsAll()) {
      const from = this.windowFrom();
      start = from === null ? 0 : firstAtOrAfter(shown.rows, from);
      // Past the end (its keys were deleted meanwhile): the last window.
      if (start >= shown.rows.length) start = Math.max(0, shown.rows.length - WINDOW);
      end = Math.min(shown.rows.length, start + WINDOW);
    }
    const windowRows = start === 0 && end === shown.rows.length ? shown.rows : shown.rows.slice(start, end);
    // Struck-through rows show in the window whose key range holds them.
    const low = start === 0 ? null : shown.rows[start]!.key;
    const high = end === shown.rows.length ? null : shown.rows[end]!.key;
    const remote = this.remote.badges();
    const rows: KeyRow[] = windowRows.map((row) => ({ ...row, remote: remote.get(row.key), saved: saved.has(row.key) }));
    for (const gone of this.remote.tombstones().values()) {
      if ((low !== null && gone.key < low) || (high !== null && gone.key >= high)) continue;
      if (rowOf(shown, gone.key) === undefined) rows.push({ ...gone, remote: 'deleted' });
    }
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const holdsAll = this.holdsAll();
    return {
      rows,
      shownCount: windowRows.length,
      total: shown.total,
      next: page.end,
      offset: holdsAll ? start : this.start().offset,
      hasPrevious: holdsAll ? start > 0 : this.trail().length > 1,
      hasNext: holdsAll ? end < shown.rows.length : page.end !== null,
      changedElsewhere: page.changedElsewhere,
    };
  });
  /** The dialog's row as it is now: another client's write to it shows there too. */
  protected readonly wholeRow = computed(() => {
    const opened = this.shownWhole();
    return opened && (this.view()?.rows.find((row) => row.key === opened.key) ?? opened);
  });
  /** Whether the list has more than this page (so the pager shows). */
  protected readonly paged = computed(() => {
    const view = this.view();
    return view !== null && (view.hasPrevious || view.hasNext || view.total > view.shownCount);
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
    this.windowFrom.set(null);
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
    if (!view || !view.hasNext) return;
    if (this.holdsAll()) this.moveWindow(view.offset + WINDOW);
    else this.turnPage([...this.trail(), { after: view.next, offset: this.start().offset + view.shownCount }]);
  }

  protected previous(): void {
    if (this.holdsAll()) this.moveWindow(Math.max(0, (this.view()?.offset ?? 0) - WINDOW));
    else if (this.trail().length > 1) this.turnPage(this.trail().slice(0, -1));
  }

  /** Holding the whole list: shows the window that starts at the first key at or after the one typed. */
  protected jump(): void {
    this.cancelMode();
    const key = this.jumpTo().trim();
    this.windowFrom.set(key === '' ? null : key.startsWith(this.searched()) ? key : this.searched() + key);
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
    const size = this.pageSize();
    const queryParams = { prefix: this.searched() || null, size: size === DEFAULT_PAGE_SIZE ? null : size === ALL ? 'all' : size };
    void this.router.navigate([], { relativeTo: this.route, queryParams, replaceUrl: true });
  }

  private loadPage(prefix: string, after: string | null, limit: number): Observable<LiveSnapshot<KeyListPage>> {
    if (limit === ALL) return this.loadAll(prefix);
    return this.api
      .listKeys({ prefix, limit, after: after ?? undefined })
      .pipe(map((snapshot) => liveSnapshot(keyListPage(snapshot.value, prefix, after), snapshot.seq)));
  }

  /**
   * Every key of `prefix`, a chunk per request along the server's cursor. The chunks are read at
   * different seqs: the list is taken as of the oldest, and the events after it apply on top (keyed
   * upserts and deletes land the same whether a chunk already had them or not).
   */
  private loadAll(prefix: string): Observable<LiveSnapshot<KeyListPage>> {
    const chunk = (after?: string) => this.api.listKeys({ prefix, limit: LIST_CHUNK, after });
    return chunk().pipe(
      expand((snapshot) => (snapshot.value.next === null ? EMPTY : chunk(snapshot.value.next))),
      reduce(
        (whole, snapshot) => {
          for (const row of snapshot.value.keys) whole.rows.push(row);
          whole.seq = whole.seq === null || snapshot.seq === null ? null : Math.min(whole.seq, snapshot.seq);
          return whole;
        },
        { rows: [] as KeyValueBody[], seq: Number.MAX_SAFE_INTEGER as number | null },
      ),
      map(({ rows, seq }) => liveSnapshot(wholeList(rows, prefix), seq)),
    );
  }

  /** Holding the whole list: shows the window that starts at row `index`. */
  private moveWindow(index: number): void {
    this.cancelMode();
    const rows = this.currentPage()?.rows ?? [];
    this.windowFrom.set(index <= 0 || rows.length === 0 ? null : rows[Math.min(index, rows.length - 1)]!.key);
  }

  /** The shown page, if any (a failed load has none). */
  private currentPage(): KeyListPage | undefined {
    return this.keys.hasValue() ? this.keys.value() : undefined;
  }

  private turnPage(trail: readonly PageStart[]): void {
    this.cancelMode();
    this.clearAnnotations();
    this.windowFrom.set(null);
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
    const kind = this.remote.record(event, rowOf(page, event.key), own);
    if (!kind) return;
    // A row another client deleted can no longer be edited or deleted here.
    if (kind === 'deleted' && (this.editing() === event.key || this.confirming() === event.key)) this.cancelMode();
    this.announcements.add(`${event.key} was ${kind} by another client`);
  }
}

/** The page size a URL asks for (`size=all` for the whole list). */
function sizeFromUrl(size: string | null): number {
  if (size === 'all') return ALL;
  return PAGE_SIZES.find((known) => known !== ALL && String(known) === size) ?? DEFAULT_PAGE_SIZE;
}

/** An answered write as the event it will become, to show it the way the list will. */
function asEvent(write: { key: string; cf: string; value: string | null }): KeyChangeEvent {
  return write.value === null
    ? { type: 'key_change', operation: 'delete', key: write.key, cf: write.cf, seq: 0, timestamp: 0 }
    : { type: 'key_change', operation: 'put', key: write.key, cf: write.cf, value: write.value, seq: 0, timestamp: 0 };
}
