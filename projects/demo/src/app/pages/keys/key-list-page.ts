import { batchReducer, reduceKeyChanges, type KeyChangeEvent, type KeyValueBody } from 'ngx-realtime';
import type { KeyListPageBody } from '../../core/apex-api';

/**
 * One page of the key list as the live stream keeps it: the rows of the key range
 * (`after`, `end`], the total of the whole query, and how many writes touched keys on other pages.
 *
 * @example
 * ```ts
 * const page: KeyListPage = { rows, total: 267, prefix: 'user:', after: 'user:099', end: 'user:199', changedElsewhere: 0 };
 * ```
 */
export interface KeyListPage {
  readonly rows: readonly KeyValueBody[];
  /** Keys of the query in all pages: exact as loaded, then kept by this page's adds and deletes. */
  readonly total: number;
  /** The prefix searched: events for other keys never reach this page. */
  readonly prefix: string;
  /** This page holds keys after this one (exclusive); null on the first page. */
  readonly after: string | null;
  /** ...up to this one (inclusive) when later pages exist; null when this is the last page. */
  readonly end: string | null;
  /** Writes to keys of other pages since the load: `total` may be off by them. */
  readonly changedElsewhere: number;
}

/**
 * The page the server answered for `?after=`: it spans up to its own last row when a next page
 * exists, and to the end of the key space when not.
 *
 * @example
 * ```ts
 * const page = keyListPage({ keys, total: 267, next: 'user:099' }, 'user:', null);
 * ```
 */
export function keyListPage(body: KeyListPageBody, prefix: string, after: string | null): KeyListPage {
  return { rows: body.keys, total: body.total, prefix, after, end: body.next, changedElsewhere: 0 };
}

/**
 * Whether `key` belongs to this page's range (so a write to it shows here), in the server's order.
 *
 * @example
 * ```ts
 * inPage(page, 'user:150'); // false on the first page of 100 user keys
 * ```
 */
export function inPage(page: KeyListPage, key: string): boolean {
  return key.startsWith(page.prefix) && (page.after === null || key > page.after) && (page.end === null || key <= page.end);
}

/**
 * The page that holds every key of `prefix` (the "All" page size): its range is the whole prefix,
 * so every write under it applies exactly and the total is the list's own length.
 *
 * @example
 * ```ts
 * const all = wholeList(rows, 'user:'); // all.total === rows.length
 * ```
 */
export function wholeList(rows: readonly KeyValueBody[], prefix: string): KeyListPage {
  return { rows, total: rows.length, prefix, after: null, end: null, changedElsewhere: 0 };
}

/**
 * The listed row of `key`, found by binary search (the rows are in the server's key order).
 *
 * @example
 * ```ts
 * rowOf(page, 'user:7')?.value;
 * ```
 */
export function rowOf(page: KeyListPage, key: string): KeyValueBody | undefined {
  const at = firstAtOrAfter(page.rows, key);
  const row = page.rows[at];
  return row?.key === key ? row : undefined;
}

/**
 * The position of the first row whose key is `key` or sorts after it (the rows' length when none).
 *
 * @example
 * ```ts
 * page.rows.slice(firstAtOrAfter(page.rows, 'user:5'), ...); // the window that starts at user:5
 * ```
 */
export function firstAtOrAfter(rows: readonly KeyValueBody[], key: string): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (rows[mid]!.key < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

const reduceRows = reduceKeyChanges();

/**
 * Applies a `key_change`: inside the range exactly (the page holds every key of it, so a put of an
 * unlisted key is a new key and `total` follows); outside it only counted, because a key of another
 * page must not pop in here and whether a put there added a key is unknown. Its batch form applies
 * the events that arrived together with one copy of the rows, however many there are.
 *
 * @example
 * ```ts
 * reduce: reduceKeyListPage,
 * ```
 */
export const reduceKeyListPage = batchReducer(
  (page: KeyListPage, event: KeyChangeEvent): KeyListPage => reduceKeyListPageMany(page, [event]),
  (page: KeyListPage, events: readonly KeyChangeEvent[]): KeyListPage => reduceKeyListPageMany(page, events),
);

/** Writes inside the range change the rows and those outside only the count: apart, the order between them does not matter. */
function reduceKeyListPageMany(page: KeyListPage, events: readonly KeyChangeEvent[]): KeyListPage {
  const inside: KeyChangeEvent[] = [];
  let elsewhere = 0;
  for (const event of events) {
    if (inPage(page, event.key)) inside.push(event);
    else if (event.key.startsWith(page.prefix)) elsewhere++;
  }
  const rows = inside.length === 0 ? page.rows : reduceRows.reduceMany(page.rows, inside);
  if (rows === page.rows && elsewhere === 0) return page;
  return { ...page, rows, total: page.total + rows.length - page.rows.length, changedElsewhere: page.changedElsewhere + elsewhere };
}
