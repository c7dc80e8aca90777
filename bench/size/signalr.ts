/**
 * The @microsoft/signalr app of the size comparison: a hub connection with a token factory and
 * automatic reconnect, one handler.
 *
 * @example
 * watchUsers((key) => refresh(key));
 */
import { HubConnectionBuilder } from '@microsoft/signalr';

/** The app's one hub connection. */
export const connection = new HubConnectionBuilder()
  .withUrl('/hubs/events', { accessTokenFactory: () => 'token' })
  .withAutomaticReconnect()
  .build();

/** Calls `onChange` with the key of every change to a user. */
export function watchUsers(onChange: (key: string) => void): Promise<void> {
  connection.on('keyChange', (event: { key: string }) => onChange(event.key));
  return connection.start();
}
