import { expect, type Page } from '@playwright/test';

/** The `data-seq` of every row of the dashboard's event feed, newest first. */
export async function feedSeqs(page: Page): Promise<number[]> {
  const seqs = await page.getByTestId('event-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
  return seqs;
}

/** How many feed rows are `key_change` events for `key`. */
export function feedRowsForKey(page: Page, key: string) {
  return page.locator(`[data-testid="event-row"][data-key="${key}"]`);
}

/** Fails if any seq appears twice in the feed (the SDK delivered an event more than once). */
export async function expectNoDuplicateSeqs(page: Page): Promise<void> {
  const seqs = await feedSeqs(page);
  const dupes = seqs.filter((seq, i) => seqs.indexOf(seq) !== i);
  expect(dupes, `duplicate seqs in the feed: ${dupes.join(', ')}`).toEqual([]);
  // Newest first means strictly decreasing: nothing out of order either.
  expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
}

/**
 * Records every text the connection pill shows from now on, in `window.__statusLog`, so a state
 * that lasts only milliseconds (a quick `reconnecting`) is still observed.
 */
export async function recordStatuses(page: Page): Promise<void> {
  await page.getByTestId('connection-status').evaluate((el) => {
    const log: string[] = [el.textContent?.trim() ?? ''];
    (window as unknown as { __statusLog: string[] }).__statusLog = log;
    const pill = el.closest('.pill') ?? el.parentElement!;
    new MutationObserver(() => {
      const text = pill.querySelector('[data-testid="connection-status"]')?.textContent?.trim() ?? '';
      if (text !== log[log.length - 1]) log.push(text);
    }).observe(pill, { subtree: true, childList: true, characterData: true });
  });
}

/** The statuses recorded since {@link recordStatuses}. */
export function recordedStatuses(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __statusLog: string[] }).__statusLog);
}
