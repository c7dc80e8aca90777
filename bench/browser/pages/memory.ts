/**
 * Memory: `cycles` connect/disconnect cycles of one long-lived SDK service against the mock
 * server, heap after a forced GC before and after; the same for a bare WebSocket that opens, waits
 * for `welcome` and closes. Chromium runs with --js-flags=--expose-gc --enable-precise-memory-info.
 */
import { filter, firstValueFrom } from 'rxjs';
import { login, sdkClient } from './live-clients';
import { param, runBenchmark } from './page-report';

const CYCLES = param('cycles', 1000);

async function heap(): Promise<number> {
  // Several collections with a task in between: finalizers and detached sockets go in the later ones.
  for (let i = 0; i < 4; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
}

async function rawCycle(token: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/ws/events?token=${encodeURIComponent(token)}`);
    ws.onerror = () => reject(new Error('raw socket failed'));
    ws.onmessage = (e) => {
      if (JSON.parse(e.data as string).type !== 'welcome') return;
      ws.onmessage = null;
      ws.close();
      resolve();
    };
  });
}

async function openSockets(): Promise<number> {
  // The server counts a socket until its close handshake completes.
  for (let i = 0; i < 40; i++) {
    const { wsConnections } = (await (await fetch('/health')).json()) as { wsConnections: number };
    if (wsConnections === 0) return 0;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return ((await (await fetch('/health')).json()) as { wsConnections: number }).wsConnections;
}

runBenchmark('memory', async () => {
  const token = await login();
  // The service and its subscriber live through every cycle, as in an app.
  const client = await sdkClient(token, () => undefined, { batching: true });
  const { service } = client;
  service.disconnect();
  for (let i = 0; i < 20; i++) {
    service.connect(token);
    await firstValueFrom(service.connectionStatus$.pipe(filter((s) => s === 'connected')));
    service.disconnect();
  }
  const sdkBefore = await heap();
  for (let i = 0; i < CYCLES; i++) {
    service.connect(token);
    await firstValueFrom(service.connectionStatus$.pipe(filter((s) => s === 'connected')));
    service.disconnect();
  }
  const sdkAfter = await heap();
  const sdkSocketsLeft = await openSockets();
  client.close();

  for (let i = 0; i < 20; i++) await rawCycle(token);
  const rawBefore = await heap();
  for (let i = 0; i < CYCLES; i++) await rawCycle(token);
  const rawAfter = await heap();
  const rawSocketsLeft = await openSockets();
  return { cycles: CYCLES, sdk: { before: sdkBefore, after: sdkAfter, socketsLeft: sdkSocketsLeft }, raw: { before: rawBefore, after: rawAfter, socketsLeft: rawSocketsLeft } };
});
