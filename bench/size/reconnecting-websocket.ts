/**
 * The reconnecting-websocket app of the size comparison: a socket with the token in the URL, one
 * message listener that parses the frame.
 *
 * @example
 * watchUsers((key) => refresh(key));
 */
import ReconnectingWebSocket from 'reconnecting-websocket';

/** The app's one socket. */
export const socket = new ReconnectingWebSocket('/ws/events?token=token');

/** Calls `onChange` with the key of every change to a user. */
export function watchUsers(onChange: (key: string) => void): void {
  socket.addEventListener('message', (event) => onChange((JSON.parse(event.data as string) as { key: string }).key));
}
