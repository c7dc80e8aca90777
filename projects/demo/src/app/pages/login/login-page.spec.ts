import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ApplicationRef, Component, provideZonelessChangeDetection } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { LoginResponse } from 'ngx-realtime';
import { LoginPage } from './login-page';

@Component({ template: '' })
class Blank {}

const SESSION: LoginResponse = { token: 'apx_abc', expiresAt: Date.now() + 3_600_000, user: { id: 'admin', name: 'Administrator', permissions: ['Admin'] } };

describe('LoginPage', () => {
  let fixture: ComponentFixture<LoginPage>;
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.removeItem('apex.session');
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: 'dashboard', component: Blank },
          { path: 'snapshots', component: Blank },
        ]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(LoginPage);
  });

  afterEach(() => {
    http.verify();
    sessionStorage.removeItem('apex.session');
  });

  async function signIn(): Promise<string> {
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    for (const [id, value] of [['login-username', 'admin'], ['login-password', 'admin']]) {
      const input = el.querySelector<HTMLInputElement>(`[data-testid="${id}"]`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    }
    el.querySelector<HTMLButtonElement>('[data-testid="login-submit"]')!.click();
    http.expectOne('/auth/login').flush(SESSION);
    await TestBed.inject(ApplicationRef).whenStable();
    return TestBed.inject(Router).url;
  }

  it('returns to the page the user was on', async () => {
    fixture.componentRef.setInput('returnUrl', '/snapshots?x=1');
    expect(await signIn()).toBe('/snapshots?x=1');
  });

  it('goes to the dashboard without a way back', async () => {
    expect(await signIn()).toBe('/dashboard');
  });

  it('never follows a return address off the app (or back to login)', async () => {
    fixture.componentRef.setInput('returnUrl', '//evil.example/x');
    expect(await signIn()).toBe('/dashboard');
  });
});
