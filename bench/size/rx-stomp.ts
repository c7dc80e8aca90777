/**
 * The @stomp/rx-stomp app of the size comparison (RxJS external, as for the SDK): a configured
 * client with login headers, one watched destination.
 *
 * @example
 * watchUsers((key) => refresh(key));
 */
import { RxStomp } from '@stomp/rx-stomp';
import type { Subscription } from 'rxjs';

/** The app's one STOMP client. */
export const stomp = new RxStomp();
stomp.configure({ brokerURL: '/ws/stomp', connectHeaders: { passcode: 'token' } });

/** Calls `onChange` with the key of every change to a user. */
export function watchUsers(onChange: (key: string) => void): Subscription {
  stomp.activate();
  return stomp.watch('/topic/users').subscribe((message) => onChange((JSON.parse(message.body) as { key: string }).key));
}
