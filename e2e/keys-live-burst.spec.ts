import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test, type OtherClient } from './fixtures';

/** Every key under `prefix` as `GET /keys` lists it now, page by page along its cursor. */
async function listAll(request: APIRequestContext, other: OtherClient, prefix: string): Promise<Array<{ key: string; value: string }>> {
  const rows: Array<{ key: string; value: string }> = [];
  let after: string | null = null;
  do {
    const params: Record<string, string> = { prefix, limit: '1000', ...(after === null ? {} : { after }) };
    const res = await request.get('/keys', { params, headers: { Authorization: `Bearer ${other.token}` } });
    expect(res.ok()).toBeTruthy();
    const body = (await res.json()) as { keys: Array<{ key: string; value: string }>; next: string | null };
    rows.push(...body.keys.map(({ key, value }) => ({ key, value })));
    after = body.next;
  } while (after !== null);
  return rows;
}

/** The shown rows: key, value, badge, and whether struck through. */
function shownRows(page: Page) {
  return page.getByTestId('key-row').evaluateAll((rows) =>
    rows.map((row) => ({
      key: row.getAttribute('data-key')!,
      value: row.querySelector('[data-testid="key-value"]')?.textContent?.trim() ?? null,
      badge: row.querySelector('[data-testid="key-badge"]')?.textContent?.trim() ?? null,
      deleted: row.classList.contains('deleted'),
    })),
  );
}

/** "1–100 of 100,001" for the window at `offset` of a list of `total` keys. */
const range = (offset: number, shown: number, total: number) =>
  `${(offset + 1).toLocaleString('en-US')}–${(offset + shown).toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`;

/** Where the first key at or after `key` is in `rows` (in the server's order). */
function firstAtOrAfter(rows: ReadonlyArray<{ key: string }>, key: string): number {
  const at = rows.findIndex((row) => row.key >= key);
  return at === -1 ? rows.length : at;
}

test('the keys page holds 100,000 keys live: equal to GET /keys after a 20,000-event burst of puts and deletes, and usable during it', async ({ signedIn: page, other, request }) => {
  test.setTimeout(240_000);
  const prefix = `big${Date.now()}:`;
  // 100,000 keys <prefix>0 … <prefix>99999, and one the burst never touches, listed first ("!" sorts before digits).
  await other.chaos('burst', { count: 100_000, prefix });
  const pinned = `${prefix}!pinned`;
  await other.put(pinned, 'pinned');

  await page.getByTestId('nav-keys').click();
  await page.getByTestId('keys-prefix').fill(prefix);
  await page.getByTestId('keys-refresh').click();
  await expect(page.getByTestId('keys-range')).toHaveText(range(0, 100, 100_001));
  await page.getByTestId('keys-page-size').selectOption({ label: 'All' });
  // Now one list of every key, shown 100 at a time: the pager says so, and paging is local.
  await expect(page.getByTestId('keys-range')).toHaveText(range(0, 100, 100_001), { timeout: 60_000 });
  const before = new Map((await listAll(request, other, prefix)).map((row) => [row.key, row.value]));
  expect(before.size).toBe(100_001);

  // The burst: 20,000 events at random among the 100,000 keys, 30% of them deletes, in batch frames.
  let burstAnswered = false;
  const burst = other.chaos('burst', { count: 20_000, prefix, keys: 100_000, deletes: 0.3, seed: 19 }).then(() => (burstAnswered = true));
  // Once it shows, a click on a row's Edit answers, and Esc leaves it.
  await expect(page.getByTestId('toast').filter({ hasText: 'by another client' }).first()).toBeVisible();
  const answeredDuringBurst = !burstAnswered;
  const row = page.locator(`[data-testid="key-row"][data-key="${pinned}"]`);
  await row.getByTestId('key-edit').click();
  await expect(row.getByTestId('key-edit-value')).toBeVisible();
  await expect(row.getByTestId('key-edit-value')).toHaveValue('pinned');
  await page.keyboard.press('Escape');
  await expect(row.getByTestId('key-edit-value')).toHaveCount(0);
  await burst;
  test.info().annotations.push({ type: 'edit', description: answeredDuringBurst ? 'clicked while the server was still sending the burst' : 'clicked after the server sent the burst (the page was catching up)' });

  // The page holds what the server lists: same count, and window by window the same rows.
  const after = await listAll(request, other, prefix);
  const listedNow = new Set(after.map((row) => row.key));
  expect(after.length).toBeLessThan(100_001); // the deletes took keys away
  await expect(page.getByTestId('keys-range')).toHaveText(range(0, 100, after.length), { timeout: 30_000 });
  for (const start of [null, `${prefix}2`, `${prefix}5`, `${prefix}77`, `${prefix}9999`]) {
    await page.getByTestId('keys-jump').fill(start ?? '');
    await page.getByTestId('keys-jump-go').click();
    const offset = start === null ? 0 : firstAtOrAfter(after, start);
    const expected = after.slice(offset, offset + 100);
    await expect(page.getByTestId('keys-range')).toHaveText(range(offset, expected.length, after.length));
    const shown = await shownRows(page);
    const listed = shown.filter((r) => !r.deleted);
    expect(listed.map((r) => `${r.key}=${r.value}`), `window at ${start ?? 'the top'}`).toEqual(expected.map((r) => `${r.key}=${r.value}`));
    // Badges: a row the burst changed or added says so; an untouched one does not; a struck-through one is gone from the server.
    for (const r of listed) {
      const changed = before.get(r.key) !== r.value;
      expect(r.badge === null ? 'no badge' : 'badge', `${r.key} ${changed ? 'changed' : 'untouched'}`).toBe(changed ? 'badge' : 'no badge');
      if (changed) expect(['changed by another client', 'added by another client']).toContain(r.badge);
    }
    for (const r of shown.filter((r) => r.deleted)) {
      expect(r.badge).toBe('deleted by another client');
      expect(listedNow.has(r.key), `${r.key} struck through`).toBe(false);
    }
  }
  await expect(page.getByTestId('keys-elsewhere')).toHaveCount(0);
});
