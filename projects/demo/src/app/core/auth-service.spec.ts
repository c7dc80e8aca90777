import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { LoginResponse } from 'ngx-realtime';
import { ApexApi } from './apex-api';
import { authInterceptor } from './auth-interceptor';
import { AuthService } from './auth-service';

const SESSION: LoginResponse = {
  token: 'apx_abc',
  expiresAt: Date.now() + 3_600_000,
  user: { id: 'admin', name: 'Administrator', permissions: ['Admin'] },
};

describe('AuthService', () => {
  let auth: AuthService;
  let http: HttpTestingController;
  let tokens: (string | null)[];

  beforeEach(() => {
    sessionStorage.removeItem('apex.session');
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    auth = TestBed.inject(AuthService);
    http = TestBed.inject(HttpTestingController);
    tokens = [];
    auth.token$.subscribe((t) => tokens.push(t));
  });

  afterEach(() => {
    http.verify();
    sessionStorage.removeItem('apex.session');
  });

  function logIn(): void {
    auth.login({ username: 'admin', password: 'admin' }).subscribe();
    const req = http.expectOne('/auth/login');
    expect(req.request.headers.has('Authorization')).toBeFalse();
    req.flush(SESSION);
  }

  it('emits the token on login (which connects the stream) and keeps it for a reload', () => {
    logIn();
    expect(tokens).toEqual([null, 'apx_abc']);
    expect(auth.user()?.name).toBe('Administrator');
    expect(JSON.parse(sessionStorage.getItem('apex.session')!).token).toBe('apx_abc');
  });

  it('sends the bearer token on API calls', () => {
    logIn();
    TestBed.inject(ApexApi).stats().subscribe();
    expect(http.expectOne('/stats').request.headers.get('Authorization')).toBe('Bearer apx_abc');
  });

  it('on logout drops the session at once and revokes the token on the server', () => {
    logIn();
    auth.logout();
    expect(tokens.at(-1)).toBeNull();
    expect(auth.isLoggedIn()).toBeFalse();
    expect(sessionStorage.getItem('apex.session')).toBeNull();
    const revoke = http.expectOne('/auth/logout');
    expect(revoke.request.headers.get('Authorization')).toBe('Bearer apx_abc');
    revoke.flush({ status: 'logged_out' });
  });

  it('ends the session when the API answers 401', () => {
    logIn();
    TestBed.inject(ApexApi).stats().subscribe({ error: () => undefined });
    http.expectOne('/stats').flush({ error: 'Token has expired' }, { status: 401, statusText: 'Unauthorized' });
    expect(auth.isLoggedIn()).toBeFalse();
    expect(auth.endedReason()).toContain('sign in again');
    expect(tokens.at(-1)).toBeNull();
  });
});
