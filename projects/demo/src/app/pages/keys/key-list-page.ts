import { reduceKeyChanges, type KeyChangeEvent, type KeyValueBody } from 'ngx-realtime';
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

const reduceRows = reduceKeyChanges();

/**
 * Applies a `key_change`: inside the range exactly (the page holds every key of it, so a put of an
 * unlisted key is a new key and `total` follows); outside it only counted, because a key of another
 * page must not pop in here and whether a put there added a key is unknown.
 *
 * @example
 * ```ts
 * reduce: reduceKeyListPage,
 * ```
 */
export function reduceKeyListPage(page: KeyListPage, event: KeyChangeEvent): KeyListPage {
  if (!inPage(page, event.key)) {
    return event.key.startsWith(page.prefix) ? { ...page, changedElsewhere: page.changedElsewhere + 1 } : page;
  }
  const rows = reduceRows(page.rows, event);
  return rows === page.rows ? page : { ...page, rows, total: page.total + rows.length - page.rows.length };
}
