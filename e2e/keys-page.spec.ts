import type { Page } from '@playwright/test';
import { expect, test, type OtherClient } from './fixtures';

/** A prefix no other test writes under, so each scenario sees only its own keys. */
const runPrefix = (name: string) => `${name}${Date.now()}:`;

/** Opens the Keys page and searches `prefix`. */
async function openKeys(page: Page, prefix: string): Promise<void> {
  await page.getByTestId('nav-keys').click();
  await page.getByTestId('keys-prefix').fill(prefix);
  await page.getByTestId('keys-refresh').click();
}

/** The row of `key` (any characters: the attribute value is quoted and escaped). */
function rowOf(page: Page, key: string) {
  return page.locator(`[data-testid="key-row"][data-key="${key.replace(/["\\]/g, '\\$&')}"]`);
}

/** Keys of the shown rows, in order. */
function shownKeys(page: Page): Promise<string[]> {
  return page.getByTestId('key-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')!));
}

/** Writes `count` keys `<prefix>000`, `<prefix>001`, … a few at a time. */
async function writeKeys(other: OtherClient, prefix: string, count: number): Promise<void> {
  const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
  for (let i = 0; i < names.length; i += 25) await Promise.all(names.slice(i, i + 25).map((key) => other.put(key, `value of ${key}`)));
}

/** How much wider than the viewport the page is (0 when it fits). */
function overflowX(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Fills the Put form and submits it. */
async function putThroughForm(page: Page, key: string, value: string): Promise<void> {
  await page.getByTestId('put-key').fill(key);
  await page.getByTestId('put-value').fill(value);
  await page.getByTestId('put-submit').click();
}

test('267 keys come in pages of 100 with their total, stay live inside the page and hint at changes to other pages', async ({ signedIn: page, other }) => {
  test.setTimeout(60_000);
  const prefix = runPrefix('pg');
  await writeKeys(other, prefix, 267);
  await openKeys(page, prefix);

  const range = page.getByTestId('keys-range');
  await expect(range).toHaveText('1–100 of 267');
  expect(await shownKeys(page)).toEqual(Array.from({ length: 100 }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`));
  await expect(page.getByTestId('keys-previous')).toBeDisabled();

  await page.getByTestId('keys-next').click();
  await expect(range).toHaveText('101–200 of 267');
  await expect(page.getByTestId('key-row').first()).toHaveAttribute('data-key', `${prefix}100`);

  // A new key inside this page's range shows here and counts.
  await other.put(`${prefix}150x`, 'new');
  await expect(rowOf(page, `${prefix}150x`).getByTestId('key-badge')).toHaveText('added by another client');
  await expect(range).toHaveText('101–201 of 268');
  // A key of the next page does not pop in here; the page says other pages changed instead.
  await expect(page.getByTestId('keys-elsewhere')).toHaveCount(0);
  await other.put(`${prefix}250x`, 'later');
  await expect(page.getByTestId('keys-elsewhere')).toBeVisible();
  await expect(rowOf(page, `${prefix}250x`)).toHaveCount(0);
  await expect(range).toHaveText('101–201 of 268');
  // A delete inside the page counts too (the row stays struck through until the next search).
  await other.delete(`${prefix}120`);
  await expect(rowOf(page, `${prefix}120`)).toHaveClass(/deleted/);
  await expect(range).toHaveText('101–200 of 267');

  await page.getByTestId('keys-next').click();
  await expect(range).toHaveText('201–268 of 268');
  expect((await shownKeys(page)).at(-1)).toBe(`${prefix}266`);
  expect(await shownKeys(page)).toContain(`${prefix}250x`);
  await expect(page.getByTestId('keys-next')).toBeDisabled();
  await expect(page.getByTestId('keys-elsewhere')).toHaveCount(0);

  await page.getByTestId('keys-previous').click();
  await expect(range).toHaveText('101–200 of 268');
  await page.getByTestId('keys-previous').click();
  await expect(range).toHaveText('1–100 of 268');
});

test('a 100 KB value is truncated in the table and shown whole on demand, at desktop and phone widths', async ({ signedIn: page, other }) => {
  const prefix = runPrefix('long');
  const key = `${prefix}big`;
  const value = `${'0123456789'.repeat(10_000)}`;
  await other.put(key, value);
  await other.put(`${prefix}small`, 'tiny');

  await openKeys(page, prefix);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 800 });
    await expect(rowOf(page, key)).toBeVisible();
    expect(await overflowX(page), `page wider than the viewport at ${width}px`).toBeLessThanOrEqual(0);
    await expect(rowOf(page, `${prefix}small`).getByTestId('key-show-all')).toHaveCount(0);

    await rowOf(page, key).getByTestId('key-show-all').click();
    const dialog = page.getByTestId('value-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('value-dialog-size')).toHaveText('100.0 KB · 100,000 characters');
    expect(await dialog.getByTestId('value-dialog-text').evaluate((el) => el.textContent)).toBe(value);
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
  }
});

test('a value over the 1 MiB limit is refused before sending, with its size and the limit', async ({ signedIn: page }) => {
  const prefix = runPrefix('huge');
  await openKeys(page, prefix);
  const puts: string[] = [];
  page.on('request', (req) => {
    if (req.method() === 'PUT') puts.push(req.url());
  });
  await putThroughForm(page, `${prefix}k`, 'x'.repeat(2_000_000));
  await expect(page.getByTestId('put-error')).toHaveText('Value is 2.0 MB; the server accepts at most 1 MiB.');
  expect(puts).toEqual([]);
  await expect(page.getByTestId('key-row')).toHaveCount(0);
});

test('your own write shows at once while the event stream stalls, and is confirmed when it resumes', async ({ signedIn: page, other }) => {
  test.setTimeout(45_000);
  const prefix = runPrefix('stall');
  const key = `${prefix}mine`;
  await openKeys(page, prefix);
  await expect(page.getByTestId('keys-empty')).toBeVisible();

  await other.chaos('stall', { ms: 8000 });
  await putThroughForm(page, key, 'written during the stall');
  const row = rowOf(page, key);
  // Shown from the HTTP answer, marked as not yet seen on the live stream.
  await expect(row.getByTestId('key-value')).toHaveText('written during the stall');
  await expect(row.getByTestId('key-saved')).toBeVisible();
  await expect(page.getByTestId('keys-count')).toHaveText('1 key');

  // Once the stream delivers it the mark goes, and it never counted as another client's write.
  await expect(row.getByTestId('key-saved')).toHaveCount(0, { timeout: 25_000 });
  await expect(row.getByTestId('key-value')).toHaveText('written during the stall');
  await expect(row.getByTestId('key-badge')).toHaveCount(0);
  await expect(page.getByTestId('toast').filter({ hasText: key })).toHaveCount(0);
  expect(await other.get(key)).toBe('written during the stall');
});

test('delete asks first: Cancel and Esc keep the key, Delete removes it', async ({ signedIn: page, other }) => {
  const prefix = runPrefix('del');
  const key = `${prefix}victim`;
  await other.put(key, 'v');
  await openKeys(page, prefix);
  const row = rowOf(page, key);

  await row.getByTestId('key-delete').click();
  await expect(row.getByTestId('key-delete-question')).toHaveText(`Delete ${key}?`);
  await row.getByTestId('key-delete-cancel').click();
  await expect(row.getByTestId('key-delete-question')).toHaveCount(0);

  await row.getByTestId('key-delete').click();
  await expect(row.getByTestId('key-delete-cancel')).toBeFocused(); // the safe choice, and Esc works at once
  await page.keyboard.press('Escape');
  await expect(row.getByTestId('key-delete-question')).toHaveCount(0);
  expect(await other.get(key)).toBe('v');

  await row.getByTestId('key-delete').click();
  await row.getByTestId('key-delete-confirm').click();
  await expect(row).toHaveCount(0);
  expect(await other.get(key)).toBeNull();
  await expect(page.getByTestId('toast').filter({ hasText: key })).toHaveCount(0);
});

test('edit mode changes the value in the row: Esc cancels, Save writes, the key stays fixed', async ({ signedIn: page, other }) => {
  const prefix = runPrefix('edit');
  const key = `${prefix}item`;
  await other.put(key, 'before');
  await openKeys(page, prefix);
  const row = rowOf(page, key);

  await row.getByTestId('key-edit').click();
  const editor = row.getByTestId('key-edit-value');
  await expect(editor).toHaveValue('before');
  await expect(editor).toBeFocused();
  await editor.fill('discarded');
  await page.keyboard.press('Escape');
  await expect(editor).toHaveCount(0);
  await expect(row.getByTestId('key-value')).toHaveText('before');
  expect(await other.get(key)).toBe('before');

  await row.getByTestId('key-edit').click();
  await expect(editor).toHaveValue('before');
  await editor.fill('after\nwith a second line');
  await row.getByTestId('key-edit-save').click();
  await expect(editor).toHaveCount(0);
  await expect(row).toHaveAttribute('data-key', key);
  await expect(row.getByTestId('key-value')).toHaveText('after with a second line'); // whitespace-normalised
  expect(await other.get(key)).toBe('after\nwith a second line');
  await expect(row.getByTestId('key-badge')).toHaveCount(0);
  // The Put form stays for new keys.
  await expect(page.getByTestId('put-key')).toHaveValue('');
});

test('"." and ".." and keys over 1024 bytes are refused in the page with the rule', async ({ signedIn: page }) => {
  const prefix = runPrefix('dots');
  await openKeys(page, prefix);
  const puts: string[] = [];
  page.on('request', (req) => {
    if (req.method() === 'PUT') puts.push(req.url());
  });
  for (const key of ['.', '..']) {
    await putThroughForm(page, key, 'x');
    await expect(page.getByTestId('put-error')).toHaveText(`A key cannot be “${key}”: browsers read it as a path step, so it cannot be sent in a URL.`);
  }
  await putThroughForm(page, `${prefix}${'é'.repeat(600)}`, 'x');
  await expect(page.getByTestId('put-error')).toContainText('keys may be at most 1024 bytes');
  expect(puts).toEqual([]);
});

test('keys with "/", "?", "#", "%", spaces and unicode round-trip through the page', async ({ signedIn: page, other }) => {
  const prefix = runPrefix('odd');
  const keys = [`${prefix}a/b/../c`, `${prefix}what?x=1&y=2#frag`, `${prefix}100%25 %zz`, `${prefix}with  spaces`, `${prefix}ünïcødé ✓ 🚀`, `${prefix}...`];
  await openKeys(page, prefix);
  for (const [i, key] of keys.entries()) {
    await putThroughForm(page, key, `value ${i}`);
    await expect(rowOf(page, key).getByTestId('key-value')).toHaveText(`value ${i}`);
  }
  // The server holds exactly these keys (not decoded, split or normalised versions of them).
  for (const [i, key] of keys.entries()) expect(await other.get(key)).toBe(`value ${i}`);
  await page.getByTestId('keys-refresh').click();
  expect(await shownKeys(page)).toEqual([...keys].sort());

  // Another client's write to one of them reaches the right row.
  await other.put(keys[1]!, 'changed');
  await expect(rowOf(page, keys[1]!).getByTestId('key-badge')).toHaveText('changed by another client');

  for (const key of keys) {
    await rowOf(page, key).getByTestId('key-delete').click();
    await rowOf(page, key).getByTestId('key-delete-confirm').click();
    await expect(rowOf(page, key)).toHaveCount(0);
    expect(await other.get(key)).toBeNull();
  }
});
