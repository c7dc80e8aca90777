import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';

/**
 * SDK timings for the e2e runs, passed as the demo's query overrides: quick retries, fallback after
 * two failed WebSocket attempts, a probe every second, short long-polls.
 */
export const FAST_REALTIME = 'rt-reconnect-ms=200&rt-reconnect-max-ms=1000&rt-fallback-after=2&rt-probe-ms=1000&rt-poll-wait-ms=2000';

/** A second client of the server, talking REST as the test (not the page) does. */
export class OtherClient {
  constructor(
    private readonly request: APIRequestContext,
    readonly token: string,
    /** Origin of a server other than the run's own (empty: the run's `baseURL`). */
    private readonly baseUrl = '',
  ) {}

  /**
   * Signs in as admin over REST (on the run's server, or on the one at `baseUrl`).
   *
   * @example
   * const other = await OtherClient.signIn(request, server.server.url);
   */
  static async signIn(request: APIRequestContext, baseUrl = ''): Promise<OtherClient> {
    const res = await request.post(`${baseUrl}/auth/login`, { data: { username: 'admin', password: 'admin' } });
    expect(res.ok()).toBeTruthy();
    return new OtherClient(request, ((await res.json()) as { token: string }).token, baseUrl);
  }

  private get headers() {
    return { Authorization: `Bearer ${this.token}` };
  }

  /** `PUT /keys/{key}`. */
  async put(key: string, value: string): Promise<void> {
    const res = await this.request.put(`${this.baseUrl}/keys/${encodeURIComponent(key)}`, { headers: this.headers, data: { value } });
    expect(res.ok(), `PUT ${key}: ${res.status()}`).toBeTruthy();
  }

  /** `DELETE /keys/{key}`. */
  async delete(key: string): Promise<void> {
    const res = await this.request.delete(`${this.baseUrl}/keys/${encodeURIComponent(key)}`, { headers: this.headers });
    expect(res.ok(), `DELETE ${key}: ${res.status()}`).toBeTruthy();
  }

  /** `GET /keys/{key}`: its value, or null when the server has no such key. */
  async get(key: string): Promise<string | null> {
    const res = await this.request.get(`${this.baseUrl}/keys/${encodeURIComponent(key)}`, { headers: this.headers });
    if (res.status() === 404) return null;
    expect(res.ok(), `GET ${key}: ${res.status()}`).toBeTruthy();
    return ((await res.json()) as { value: string }).value;
  }

  /** `POST /__chaos/...`. */
  async chaos(route: 'drop' | 'stall' | 'block-websocket' | 'block-sse' | 'health' | 'burst', body: object = {}): Promise<void> {
    const res = await this.request.post(`${this.baseUrl}/__chaos/${route}`, { headers: this.headers, data: body });
    expect(res.ok(), `chaos ${route}: ${res.status()} ${await res.text()}`).toBeTruthy();
  }

  /** `GET /health` body. */
  async health(): Promise<{ status: string; probes: Record<string, string>; wsConnections: number }> {
    const res = await this.request.get(`${this.baseUrl}/health`, { headers: this.headers });
    expect(res.ok()).toBeTruthy();
    return res.json();
  }
}

interface Fixtures {
  /** Another client, signed in as admin over REST. */
  other: OtherClient;
  /** A page signed in to the demo as admin, on the dashboard, connected over WebSocket. */
  signedIn: Page;
}

/** Signs in through the real login form (of the run's server, or of the one at `baseUrl`). */
export async function signIn(page: Page, user = 'admin', password = user, baseUrl = ''): Promise<void> {
  await page.goto(`${baseUrl}/login?${FAST_REALTIME}`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/**
 * Stores, once per tab, a session whose token the server never issued (revoked elsewhere, or
 * tampered with), as the demo keeps it: the next page load starts with it.
 *
 * @example
 * await storeBadSession(page);
 * await page.goto(`${baseUrl}/dashboard`);
 */
export async function storeBadSession(page: Page): Promise<void> {
  await page.addInitScript(() => {
    if (sessionStorage.getItem('apex.bad-token-set')) return;
    sessionStorage.setItem('apex.bad-token-set', '1');
    sessionStorage.setItem(
      'apex.session',
      JSON.stringify({
        token: 'apx_' + 'x'.repeat(32),
        expiresAt: Date.now() + 3_600_000,
        user: { id: 'admin', name: 'admin', permissions: ['Read', 'Write', 'Admin'] },
      }),
    );
  });
}

/** The demo's connection pill text. */
export function connectionStatus(page: Page) {
  return page.getByTestId('connection-status');
}

export const test = base.extend<Fixtures>({
  // The server's port is only known once global setup ran; it publishes it in the environment.
  baseURL: async ({}, use) => {
    const url = process.env['E2E_BASE_URL'];
    if (!url) throw new Error('E2E_BASE_URL is not set: the e2e global setup did not run.');
    await use(url);
  },
  other: async ({ request }, use) => {
    const client = await OtherClient.signIn(request);
    await use(client);
    // Chaos is server-wide: leave the server as the next test expects to find it.
    await client.chaos('block-websocket', { enabled: false });
    await client.chaos('block-sse', { enabled: false });
    for (const probe of ['liveness', 'readiness', 'startup']) await client.chaos('health', { probe, status: 'healthy' });
  },
  signedIn: async ({ page }, use) => {
    await signIn(page);
    await expect(connectionStatus(page)).toHaveText('connected · websocket');
    await use(page);
  },
});

export { expect };
