import { TOKEN_EXPIRED_ERROR } from '../protocol/protocol';

/**
 * A poll that failed with an HTTP status (`status` 0: network error, no answer).
 *
 * @example
 * ```ts
 * if (error instanceof RealtimePollError && error.status === 401) ...
 * ```
 */
export class RealtimePollError extends Error {
  constructor(
    readonly status: number,
    /** The `error` field of the body, when there was one. */
    readonly serverMessage: string | null = null,
  ) {
    super(status === 0 ? 'poll failed: network error' : `poll failed: HTTP ${status}${serverMessage ? ` (${serverMessage})` : ''}`);
    this.name = 'RealtimePollError';
  }

  /** The token expired: refresh it and retry. */
  get tokenExpired(): boolean {
    return this.status === 401 && this.serverMessage === TOKEN_EXPIRED_ERROR;
  }
}
