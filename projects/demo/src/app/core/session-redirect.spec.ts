import { ApplicationRef, Component, provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Router, provideRouter } from '@angular/router';
import { AuthService } from './auth-service';
import { SessionRedirect } from './session-redirect';

@Component({ template: '' })
class Blank {}

/** Runs effects and waits for any navigation they started (the router holds the app unstable meanwhile). */
async function settle(): Promise<void> {
  TestBed.tick();
  await TestBed.inject(ApplicationRef).whenStable();
}

describe('SessionRedirect', () => {
  let router: Router;
  let auth: AuthService;

  beforeEach(async () => {
    const session = { token: 'apx_test', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions: ['Admin'] } };
    sessionStorage.setItem('apex.session', JSON.stringify(session));
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: 'login', component: Blank },
          { path: 'keys', component: Blank },
        ]),
      ],
    });
    router = TestBed.inject(Router);
    auth = TestBed.inject(AuthService);
    TestBed.inject(SessionRedirect);
    await router.navigateByUrl('/keys?prefix=user');
  });

  afterEach(() => {
    TestBed.inject(HttpTestingController).match(() => true).forEach((req) => req.flush({}));
    sessionStorage.removeItem('apex.session');
  });

  it('takes an ended session to the login page with the way back to where it was', async () => {
    auth.expire('Your session is no longer valid. Please sign in again.');
    await settle();
    expect(router.url).toBe('/login?returnUrl=%2Fkeys%3Fprefix%3Duser');
  });

  it('leaves the user’s own logout alone (the header decides where that goes)', async () => {
    auth.logout();
    await settle();
    expect(router.url).toBe('/keys?prefix=user');
  });
});
