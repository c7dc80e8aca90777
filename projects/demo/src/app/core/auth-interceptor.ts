import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { AuthService } from './auth-service';

/**
 * Adds `Authorization: Bearer <token>` to every same-origin request, and ends the session when the
 * server answers 401 (expired or revoked token) so the user lands on the login page instead of
 * looking at a half-broken console (`SessionRedirect` takes them there, and back after signing in).
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const auth = inject(AuthService);
  const token = auth.token();
  const isLogin = req.url.startsWith('/auth/login');
  const authed =
    token && !isLogin && !req.headers.has('Authorization')
      ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } })
      : req;
  return next(authed).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && error.status === 401 && !isLogin && token) {
        auth.expire('Your session is no longer valid. Please sign in again.');
      }
      return throwError(() => error);
    }),
  );
};
