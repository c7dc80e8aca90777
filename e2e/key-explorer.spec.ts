import { expect, test } from './fixtures';

test('a key written by another client appears live, badged and announced', async ({ signedIn: page, other }) => {
  const key = `live-${Date.now()}`;
  await page.getByTestId('nav-keys').click();
  await page.getByTestId('keys-prefix').fill('live-');
  await page.getByTestId('keys-refresh').click();
  await expect(page.getByTestId('keys-empty')).toBeVisible();

  await other.put(key, 'v1');
  const row = page.locator(`[data-testid="key-row"][data-key="${key}"]`);
  await expect(row.getByTestId('key-value')).toHaveText('v1');
  await expect(row.getByTestId('key-badge')).toHaveText('added by another client');
  await expect(page.getByTestId('toast').filter({ hasText: `${key} was added by another client` })).toBeVisible();

  await other.put(key, 'v2');
  await expect(row.getByTestId('key-value')).toHaveText('v2');
  await expect(row.getByTestId('key-badge')).toHaveText('changed by another client');
});

test("this tab's own writes update the list without a notification", async ({ signedIn: page }) => {
  const key = `own-${Date.now()}`;
  await page.getByTestId('nav-keys').click();
  await page.getByTestId('put-key').fill(key);
  await page.getByTestId('put-value').fill('mine');
  await page.getByTestId('put-submit').click();
  const row = page.locator(`[data-testid="key-row"][data-key="${key}"]`);
  await expect(row.getByTestId('key-value')).toHaveText('mine');
  await expect(row.getByTestId('key-badge')).toHaveCount(0);
  await expect(page.getByTestId('toast').filter({ hasText: key })).toHaveCount(0);

  await row.getByTestId('key-delete').click();
  await row.getByTestId('key-delete-confirm').click();
  await expect(row).toHaveCount(0);
});
