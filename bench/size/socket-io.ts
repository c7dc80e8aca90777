/**
 * The socket.io-client app of the size comparison: connect with a token, listen to one event.
 *
 * @example
 * watchUsers((key) => refresh(key));
 */
import { io } from 'socket.io-client';

/** The app's one socket, token sent in the handshake. */
export const socket = io('/', { auth: { token: 'token' } });

/** Calls `onChange` with the key of every change to a user. */
export function watchUsers(onChange: (key: string) => void): void {
  socket.on('key_change', (event: { key: string }) => onChange(event.key));
}
