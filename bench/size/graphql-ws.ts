/**
 * The graphql-ws app of the size comparison: a client with connection params, one subscription.
 *
 * @example
 * watchUsers((key) => refresh(key));
 */
import { createClient } from 'graphql-ws';

/** The app's one client, token sent in connection_init. */
export const client = createClient({ url: '/graphql', connectionParams: { token: 'token' } });

/** Calls `onChange` with the key of every change to a user. */
export function watchUsers(onChange: (key: string) => void): () => void {
  return client.subscribe<{ keyChanged: { key: string } }>(
    { query: 'subscription { keyChanged(prefix: "user:") { key } }' },
    { next: (result) => result.data && onChange(result.data.keyChanged.key), error: () => undefined, complete: () => undefined },
  );
}
