/**
 * The centrifuge app of the size comparison: a client with a token, one channel subscription.
 *
 * @example
 * watchUsers((key) => refresh(key));
 */
import { Centrifuge } from 'centrifuge';

/** The app's one client. */
export const client = new Centrifuge('/connection/websocket', { token: 'token' });

/** Calls `onChange` with the key of every change to a user. */
export function watchUsers(onChange: (key: string) => void): void {
  const subscription = client.newSubscription('users');
  subscription.on('publication', (ctx) => onChange((ctx.data as { key: string }).key));
  subscription.subscribe();
  client.connect();
}
