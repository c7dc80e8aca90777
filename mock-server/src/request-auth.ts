import { HTTP_ERRORS, type AuthUser, type Permission } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { authErrorMessage, hasPermission } from './auth';
import type { ServerContext } from './context';
import { HttpError } from './http-util';

/** The token of an `Authorization: Bearer <token>` header, or null when there is none. */
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
 * const user = requireUser(ctx, req, 'Write'); // 403 for viewer
 * ```
 */
export function requireUser(ctx: ServerContext, req: Request, permission: Permission): AuthUser {
  return requireSession(ctx, req, permission).user;
}

/**
 * Like {@link requireUser}, with the token's expiry too (long polling reports it to the client).
 *
 * @example
 * ```ts
 * const { user, expiresAt } = requireSession(ctx, req, 'Read');
 * ```
 */
export function requireSession(ctx: ServerContext, req: Request, permission: Permission): { user: AuthUser; expiresAt: number } {
  const token = bearerToken(req);
  if (token === null) throw new HttpError(401, HTTP_ERRORS.missingAuth);
  const check = ctx.auth.check(token);
  if (!check.ok) throw new HttpError(401, authErrorMessage(check.reason));
  if (!hasPermission(check.user, permission)) throw new HttpError(403, HTTP_ERRORS.forbidden);
  return { user: check.user, expiresAt: check.expiresAt };
}
