import type { AuthUser, LoginResponse } from 'ngx-realtime';

/** A signed-in session as the app keeps it: the server's login answer, verbatim. */
export type Session = LoginResponse;

/** Whether the user may call endpoints that need `permission` (Admin implies everything). */
export function hasPermission(user: AuthUser | null | undefined, permission: 'Read' | 'Write' | 'Admin'): boolean {
  if (!user) return false;
  return user.permissions.includes('Admin') || user.permissions.includes(permission);
}
