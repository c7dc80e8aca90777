import { expect, test } from './fixtures';

/**
 * The key explorer's list is a liveResource: loaded over REST while another client writes as fast
 * as it can, it must end exactly equal to the server's list, with no write lost or misapplied.
 */
test('the key explorer stays exact while another client writes 500 keys during its load', async ({ signedIn: page, other, request }) => {
  test.setTimeout(60_000);
  const run = `burst${Date.now()}`;
  const headers = { Authorization: `Bearer ${other.token}` };
  let done = 0;

  /** 500 keys; every third written twice, every fifth deleted after: puts, overwrites and deletes race the load. */
  async function writer(worker: number, workers: number): Promise<void> {
    for (let i = worker; i < 500; i += workers) {
      const key = `${run}:${String(i).padStart(3, '0')}`;
      const path = `/keys/${encodeURIComponent(key)}`;
      expect((await request.put(path, { headers, data: { value: `v1-${i}` } })).ok()).toBeTruthy();
      if (i % 3 === 0) expect((await request.put(path, { headers, data: { value: `v2-${i}` } })).ok()).toBeTruthy();
      if (i % 5 === 0) expect((await request.delete(path, { headers })).ok()).toBeTruthy();
      done++;
    }
  }
  const workers = 12;
  const writes = Promise.all(Array.from({ length: workers }, (_, w) => writer(w, workers)));

  // The first load starts once the burst is under way, a second (a full page load) in its middle.
  await expect.poll(() => done, { timeout: 20_000 }).toBeGreaterThan(60);
  await page.getByTestId('nav-keys').click();
  // All 400 on one page (the URL keeps the search, so the reload shows the same list).
  await page.getByTestId('keys-prefix').fill(run);
  await page.getByTestId('keys-page-size').selectOption('1000');
  await page.getByTestId('keys-refresh').click();
  await expect(page).toHaveURL(new RegExp(`prefix=${run}.*size=1000`));
  await expect.poll(() => done, { timeout: 20_000 }).toBeGreaterThan(250);
  await page.reload();
  await writes;

  const server = async () => {
    const res = await request.get(`/keys?limit=1000&prefix=${run}`, { headers });
    const body = (await res.json()) as { keys: Array<{ key: string; value: string }> };
    return body.keys.map((k) => `${k.key}=${k.value}`);
  };
  const shown = () =>
    page
      .locator(`[data-testid="key-row"]:not(.deleted)[data-key^="${run}"]`)
      .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-key')}=${r.querySelector('[data-testid="key-value"]')!.textContent!.trim()}`));

  const expected = await server();
  expect(expected.length).toBe(400); // 500 written, every fifth deleted
  await expect.poll(shown, { timeout: 10_000 }).toEqual(expected);
});
