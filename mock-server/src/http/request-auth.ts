import { HTTP_ERRORS, type AuthUser, type Permission } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { authErrorMessage, hasPermission, type TokenCheck } from '../domain/auth';
import { HttpError } from './http-util';

/**
 * What checks a request's token (the server's {@link Auth}).
 *
 * @example
 * ```ts
 * const user = requireUser(auth, req, 'Read');
 * ```
 */
export interface TokenChecker {
  check(token: string): TokenCheck;
}

/**
 * The token of an `Authorization: Bearer <token>` header, or null when there is none ('' when the
 * header is not of that form, so the check answers "Invalid authentication token").
 *
 * @example
 * ```ts
 * const token = url.searchParams.get('token') ?? bearerToken(req);
 * ```
 */
export function bearerToken(req: Request): string | null {
  const header = req.headers.get('authorization');
  if (header === null) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : '';
}

/**
 * The caller of an HTTP request, or an ApexStore-style 401/403 thrown as {@link HttpError}.
 *
 * @example
 * ```ts
 * const user = requireUser(auth, req, 'Write'); // 403 for viewer
 * ```
 */
export function requireUser(auth: TokenChecker, req: Request, permission: Permission): AuthUser {
  return requireSession(auth, req, permission).user;
}

/**
 * Like {@link requireUser}, with the token's expiry too (long polling reports it to the client).
 *
 * @example
 * ```ts
 * const { user, expiresAt } = requireSession(auth, req, 'Read');
 * ```
 */
export function requireSession(auth: TokenChecker, req: Request, permission: Permission): { user: AuthUser; expiresAt: number } {
  const token = bearerToken(req);
  if (token === null) throw new HttpError(401, HTTP_ERRORS.missingAuth);
  const check = auth.check(token);
  if (!check.ok) throw new HttpError(401, authErrorMessage(check.reason));
  if (!hasPermission(check.user, permission)) throw new HttpError(403, HTTP_ERRORS.forbidden);
  return { user: check.user, expiresAt: check.expiresAt };
}
