/**
 * The phoenix app of the size comparison: a socket with a token, one joined channel.
 *
 * @example
 * watchUsers((key) => refresh(key));
 */
// @ts-expect-error phoenix ships no types, and @types/phoenix is not worth a dependency for a size probe
import { Socket } from 'phoenix';

/** The app's one socket, token sent as a connect param. */
export const socket = new Socket('/socket', { params: { token: 'token' } });

/** Calls `onChange` with the key of every change to a user. */
export function watchUsers(onChange: (key: string) => void): void {
  socket.connect();
  const channel = socket.channel('users', {});
  channel.on('key_change', (event: { key: string }) => onChange(event.key));
  channel.join();
}
