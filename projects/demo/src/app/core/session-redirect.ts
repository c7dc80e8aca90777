import { DestroyRef, Injectable, effect, inject, untracked } from '@angular/core';
import { Router } from '@angular/router';
import { AuthService } from './auth-service';

/**
 * Sends the user to the login page when the session ends without them asking (a 401, a token
 * the stream refused, a revoked session, a refresh that failed), with `returnUrl` set to the page
 * they were on, so signing in again takes them back there. One place for every cause: the causes
 * only call `auth.expire(reason)`.
 *
 * The user's own logout is not handled here (the header navigates, with no `returnUrl`: they
 * chose to leave), and neither is a visit while signed out (the auth guard adds `returnUrl`).
 *
 * @example
 * ```ts
 * constructor() { inject(SessionRedirect); } // in the root component, so it watches from the start
 * ```
 */
@Injectable({ providedIn: 'root' })
export class SessionRedirect {
  constructor() {
    const auth = inject(AuthService);
    const router = inject(Router);
    let wasSignedIn = auth.isLoggedIn();
    const watcher = effect(() => {
      const signedIn = auth.isLoggedIn();
      const ended = wasSignedIn && !signedIn && auth.endedReason() !== null;
      wasSignedIn = signedIn;
      if (!ended) return;
      untracked(() => {
        // A 401 may come while the first navigation is still under way (a reload on a stale
        // token): then where the user is going is where they were.
        const navigation = router.currentNavigation();
        const target = navigation?.finalUrl ?? navigation?.extractedUrl;
        const here = target ? router.serializeUrl(target) : router.url;
        const returnUrl = here.startsWith('/login') ? null : here;
        void router.navigate(['/login'], returnUrl ? { queryParams: { returnUrl } } : {});
      });
    });
    inject(DestroyRef).onDestroy(() => watcher.destroy());
  }
}
