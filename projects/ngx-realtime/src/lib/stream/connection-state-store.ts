import { signal, type Signal } from '@angular/core';
import { BehaviorSubject, type Observable } from 'rxjs';
import { INITIAL_CONNECTION_STATE, connectionReducer, type ConnectionAction, type ConnectionState } from './connection-state';

/**
 * The connection state, as a signal and as a stream, changed only through {@link dispatch} and the
 * one reducer, so what a UI shows can never contradict what the SDK does.
 *
 * @example
 * ```ts
 * const store = new ConnectionStateStore();
 * store.dispatch({ type: 'connecting' });
 * store.state().status; // 'reconnecting'
 * ```
 */
export class ConnectionStateStore {
  readonly #subject = new BehaviorSubject<ConnectionState>(INITIAL_CONNECTION_STATE);
  readonly #signal = signal<ConnectionState>(INITIAL_CONNECTION_STATE);
  readonly state: Signal<ConnectionState> = this.#signal.asReadonly();
  readonly state$: Observable<ConnectionState> = this.#subject.asObservable();

  dispatch(action: ConnectionAction): void {
    const current = this.#signal();
    const next = connectionReducer(current, action);
    if (next === current) return;
    this.#signal.set(next);
    this.#subject.next(next);
  }

  complete(): void {
    this.#subject.complete();
  }
}
