/**
 * A reducer for {@link liveResource}: applies one event to a state without mutating it. It may carry
 * a batch form, `reduceMany(state, events)`, which must give what applying the events one by one
 * gives; `liveResource` then applies the events that arrive together (a batch frame, a poll answer,
 * a replay, a relayed batch) in one call, so a large state is copied once per batch, not per event.
 * `reduceKeyed()` and `reduceKeyChanges()` give reducers with a batch form.
 *
 * @example
 * ```ts
 * const reduce: LiveReducer<number, KeyChangeEvent> = (count, e) => (e.operation === 'put' ? count + 1 : count - 1);
 * ```
 */
export type LiveReducer<T, E> = ((state: T, event: E) => T) & {
  readonly reduceMany?: (state: T, events: readonly E[]) => T;
};

/**
 * A {@link LiveReducer} made of a per-event reducer and its batch form. `reduceMany` must give
 * exactly what applying the events one by one with `reduce` gives.
 *
 * @example
 * ```ts
 * const reduce = batchReducer(
 *   (total: number, e: OrderEvent) => total + e.amount,
 *   (total: number, events: readonly OrderEvent[]) => events.reduce((sum, e) => sum + e.amount, total),
 * );
 * ```
 */
export function batchReducer<T, E>(
  reduce: (state: T, event: E) => T,
  reduceMany: (state: T, events: readonly E[]) => T,
): LiveReducer<T, E> & { readonly reduceMany: (state: T, events: readonly E[]) => T } {
  const reducer = (state: T, event: E) => reduce(state, event);
  return Object.assign(reducer, { reduceMany });
}
