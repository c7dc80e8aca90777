import { randomBytes, createHash } from 'node:crypto';
import { HTTP_ERRORS, type AuthUser, type LoginResponse, type Permission } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import type { Store } from '../storage/store';

interface UserRecord extends AuthUser {
  password: string;
}

/**
 * The mock's accounts: admin/admin and viewer/viewer, and nobody/nobody, who holds no permission at
 * all, so a client can see the 403s of routes that need `Read`.
 *
 * @example
 * ```ts
 * USERS.find((u) => u.name === 'nobody')!.permissions; // []
 * ```
 */
export const USERS: readonly UserRecord[] = [
  { id: 'admin', name: 'admin', password: 'admin', permissions: ['Read', 'Write', 'Admin'] },
  { id: 'viewer', name: 'viewer', password: 'viewer', permissions: ['Read'] },
  { id: 'nobody', name: 'nobody', password: 'nobody', permissions: [] },
];

const publicUser = ({ id, name, permissions }: UserRecord): AuthUser => ({ id, name, permissions: [...permissions] });

/** Result of checking a token: the user, or which ApexStore 401 applies. */
export type TokenCheck =
  | { ok: true; user: AuthUser; hash: string; expiresAt: number }
  | { ok: false; reason: 'invalid' | 'expired' };

/**
 * sha-256 of a token, hex: the only form a token is stored in.
 *
 * @example
 * ```ts
 * hashToken('apx_abc').length; // 64
 * ```
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Issues, checks and revokes opaque `apx_` tokens.
 *
 * @example
 * ```ts
 * const auth = new Auth(store, 3_600_000, Date.now);
 * const session = auth.login('admin', 'admin');
 * auth.check(session!.token); // { ok: true, user, ... }
 * ```
 */
export class Auth {
  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    // A day's grace keeps "Token has expired" answers meaningful without growing forever.
    store.pruneTokens(now() - 86_400_000);
  }

  /** Returns null for a wrong username or password. */
  login(username: string, password: string): LoginResponse | null {
    const user = USERS.find((u) => u.name === username && u.password === password);
    return user ? this.issue(user) : null;
  }

  /** A new token for the same user; the old one stays valid until its own expiry. */
  refresh(user: AuthUser): LoginResponse {
    return this.issue(USERS.find((u) => u.id === user.id)!);
  }

  /** Returns whether the token was known. */
  revoke(hash: string): boolean {
    return this.store.deleteToken(hash);
  }

  check(token: string): TokenCheck {
    const row = token.startsWith('apx_') ? this.store.findToken(hashToken(token)) : null;
    const user = row && USERS.find((u) => u.id === row.userId);
    if (!row || !user) return { ok: false, reason: 'invalid' };
    if (row.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, user: publicUser(user), hash: row.hash, expiresAt: row.expiresAt };
  }

  private issue(user: UserRecord): LoginResponse {
    const token = `apx_${randomBytes(24).toString('base64url')}`;
    const expiresAt = this.now() + this.ttlMs;
    this.store.insertToken({ hash: hashToken(token), userId: user.id, expiresAt });
    return { token, expiresAt, user: publicUser(user) };
  }
}

/** The 401 message for a failed token check. */
export function authErrorMessage(reason: 'invalid' | 'expired'): string {
  return reason === 'expired' ? HTTP_ERRORS.tokenExpired : HTTP_ERRORS.invalidToken;
}

/** Whether a user holds a permission. */
export function hasPermission(user: AuthUser, permission: Permission): boolean {
  return user.permissions.includes(permission);
}
