import { expect, test } from './fixtures';

test('compaction progress runs live to 100%', async ({ signedIn: page }) => {
  await page.getByTestId('nav-compaction').click();
  await page.getByTestId('compaction-start').click();
  const bar = page.getByTestId('compaction-progress');
  // Progress events arrive in between: the bar moves before it completes.
  await expect(bar).toHaveAttribute('data-status', /started|progress/);
  await expect(bar).toHaveAttribute('aria-valuenow', '100');
  await expect(bar).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('compaction-status')).toHaveText(/Completed/);
  await expect(page.getByTestId('compaction-event').filter({ hasText: 'progress' }).first()).toBeVisible();
});

test('a probe going unhealthy flips the health page at once', async ({ signedIn: page, other }) => {
  await page.getByTestId('nav-health').click();
  await expect(page.getByTestId('probe-readiness-status')).toHaveText('healthy');
  await expect(page.getByTestId('health-overall')).toContainText('healthy');

  await other.chaos('health', { probe: 'readiness', status: 'unhealthy' });
  await expect(page.getByTestId('probe-readiness-status')).toHaveText('unhealthy');
  await expect(page.getByTestId('health-overall')).toContainText('unhealthy');
  await expect(page.getByTestId('probe-liveness-status')).toHaveText('healthy');

  await other.chaos('health', { probe: 'readiness', status: 'healthy' });
  await expect(page.getByTestId('probe-readiness-status')).toHaveText('healthy');
});

test('a snapshot shows up in the list when it completes', async ({ signedIn: page }) => {
  await page.getByTestId('nav-snapshots').click();
  const before = await page.getByTestId('snapshot-row').count();
  await page.getByTestId('snapshot-create').click();
  await expect(page.getByTestId('snapshot-row')).toHaveCount(before + 1);
});
