import { HttpClient, HttpHeaders } from '@angular/common/http';
import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { BehaviorSubject, Observable, distinctUntilChanged, map, tap } from 'rxjs';
import type { LoginRequest, LoginResponse } from 'ngx-realtime';
import { Session } from './session';

const STORAGE_KEY = 'apex.session';
/** Refresh this long before expiry, so a slow network never lets the token lapse. */
const REFRESH_MARGIN_MS = 30_000;

/**
 * The signed-in session: login, logout, token refresh and persistence in sessionStorage (so a reload
 * keeps the user signed in but closing the tab does not).
 *
 * `token$` feeds `withAuth(...)`: a token connects the realtime stream, `null` disconnects it.
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly state = new BehaviorSubject<Session | null>(readStoredSession());
  private readonly current = signal<Session | null>(this.state.value);
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  /** Why the last session ended, when it was not the user's choice (shown on the login page). */
  readonly endedReason = signal<string | null>(null);
  /** The current session, or `null` when signed out. */
  readonly session = this.current.asReadonly();
  /** The signed-in user, or `null`. */
  readonly user = computed(() => this.current()?.user ?? null);
  /** Whether someone is signed in. */
  readonly isLoggedIn = computed(() => this.current() !== null);
  /** The bearer token; `null` when signed out. Emits the current value on subscribe. */
  readonly token$: Observable<string | null> = this.state.pipe(
    map((s) => s?.token ?? null),
    distinctUntilChanged(),
  );

  constructor() {
    this.scheduleRefresh(this.state.value);
    inject(DestroyRef).onDestroy(() => clearTimeout(this.refreshTimer));
  }

  /** The bearer token right now, for code that cannot wait (the HTTP interceptor). */
  token(): string | null {
    return this.current()?.token ?? null;
  }

  /** Signs in; the session is stored and the realtime stream connects through `token$`. */
  login(credentials: LoginRequest): Observable<Session> {
    return this.http.post<LoginResponse>('/auth/login', credentials).pipe(
      tap((session) => {
        this.endedReason.set(null);
        this.setSession(session);
      }),
    );
  }

  /** Exchanges the current token for a fresh one before it expires. */
  refresh(): Observable<Session> {
    return this.http.post<LoginResponse>('/auth/refresh', {}).pipe(tap((session) => this.setSession(session)));
  }

  /**
   * Signs out. The session is dropped locally at once (the stream disconnects immediately) and the
   * token is revoked on the server; a failed revoke must not keep the user signed in.
   */
  logout(): void {
    const token = this.token();
    this.setSession(null);
    if (!token) return;
    this.http
      .post('/auth/logout', {}, { headers: new HttpHeaders({ Authorization: `Bearer ${token}` }) })
      .subscribe({ error: () => undefined });
  }

  /** Ends the session because the server no longer accepts it (401, close 4003/4005). */
  expire(reason: string): void {
    if (!this.current()) return;
    this.endedReason.set(reason);
    this.setSession(null);
  }

  private setSession(session: Session | null): void {
    if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(STORAGE_KEY);
    this.current.set(session);
    this.state.next(session);
    this.scheduleRefresh(session);
  }

  private scheduleRefresh(session: Session | null): void {
    clearTimeout(this.refreshTimer);
    if (!session) return;
    const delay = Math.max(session.expiresAt - Date.now() - REFRESH_MARGIN_MS, 1_000);
    // Timers beyond 2^31 ms fire immediately; long-lived tokens simply are not refreshed early.
    if (delay > 2 ** 31 - 1) return;
    this.refreshTimer = setTimeout(() => {
      this.refresh().subscribe({ error: () => this.expire('Your session expired. Please sign in again.') });
    }, delay);
  }
}

function readStoredSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    return typeof session.token === 'string' && session.expiresAt > Date.now() ? session : null;
  } catch {
    return null;
  }
}
