import { isObservable, type Observable } from 'rxjs';
import { take } from 'rxjs/operators';

/**
 * Supplies a token for each new connection, so refreshed tokens are picked up. Asked again after a
 * close with 4004 (token expired).
 *
 * @example
 * ```ts
 * const auth = inject(AuthService);
 * realtime.connect(() => auth.freshToken()); // Promise<string> or Observable<string>
 * ```
 */
export type TokenProvider = () => Promise<string> | Observable<string>;

/**
 * Resolves a token or provider, calling back synchronously when it can (a plain token, or an
 * Observable that emits at once) so no tick is wasted. Returns a function that drops the callbacks.
 *
 * @example
 * ```ts
 * const cancel = resolveToken(credentials, (token) => open(token), (error) => report(error));
 * ```
 */
export function resolveToken(
  source: string | TokenProvider,
  onToken: (token: string) => void,
  onError: (error: unknown) => void,
): () => void {
  if (typeof source === 'string') {
    onToken(source);
    return () => undefined;
  }
  let live = true;
  const accept = (token: unknown) => {
    if (!live) return;
    live = false;
    if (typeof token === 'string' && token.length > 0) onToken(token);
    // The message is for development builds; production builds keep a short code.
    else onError(new Error((typeof ngDevMode === 'undefined' || !!ngDevMode) ? 'ngx-realtime: the TokenProvider produced no token' : 'ngx-realtime: RT05'));
  };
  const reject = (error: unknown) => {
    if (!live) return;
    live = false;
    onError(error);
  };
  let result: Promise<string> | Observable<string>;
  try {
    result = source();
  } catch (error) {
    reject(error);
    return () => undefined;
  }
  if (isObservable(result)) {
    const sub = result.pipe(take(1)).subscribe({
      next: accept,
      error: reject,
      complete: () => reject(new Error((typeof ngDevMode === 'undefined' || !!ngDevMode) ? 'ngx-realtime: the TokenProvider completed without a token' : 'ngx-realtime: RT06')),
    });
    return () => {
      live = false;
      sub.unsubscribe();
    };
  }
  Promise.resolve(result).then(accept, reject);
  return () => {
    live = false;
  };
}
