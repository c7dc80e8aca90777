import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { AuthService } from '../../core/auth-service';
import { errorMessage } from '../../core/error-message';

/** Sign-in form. On success the realtime stream connects (through `withAuth`) and we go on. */
@Component({
  selector: 'app-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule],
  template: `
    <form class="card login" (ngSubmit)="submit()" data-testid="login-form">
      <h1>Sign in</h1>
      @if (auth.endedReason(); as reason) {
        <p class="notice warning" data-testid="session-ended">{{ reason }}</p>
      }
      <label>Username <input name="username" autocomplete="username" [(ngModel)]="username" data-testid="login-username" required /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" [(ngModel)]="password" data-testid="login-password" required /></label>
      @if (error(); as message) {
        <p class="notice error" data-testid="login-error">{{ message }}</p>
      }
      <button type="submit" [disabled]="busy()" data-testid="login-submit">{{ busy() ? 'Signing in…' : 'Sign in' }}</button>
      <p class="hint">Demo users: <code>admin/admin</code>, <code>viewer/viewer</code> (read only).</p>
    </form>
  `,
  styles: `
    .login { max-width: 22rem; margin: 4rem auto; display: flex; flex-direction: column; gap: .8rem; }
    label { display: flex; flex-direction: column; gap: .25rem; }
    .hint { font-size: .85rem; color: #667085; margin: 0; }
  `,
})
export class LoginPage {
  protected readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  /** Where to go after signing in (set by the auth guard, and when a session ends by itself). */
  readonly returnUrl = input<string>();

  protected readonly username = signal('');
  protected readonly password = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected submit(): void {
    this.busy.set(true);
    this.error.set(null);
    this.auth.login({ username: this.username(), password: this.password() }).subscribe({
      next: () => {
        this.busy.set(false);
        void this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
      },
      error: (err: unknown) => {
        this.busy.set(false);
        this.error.set(errorMessage(err));
      },
    });
  }
}

/** A page of this app to return to (a path, not `//host`, not the login page), else the dashboard. */
function safeReturnUrl(target: string | undefined): string {
  return target && target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/login') ? target : '/dashboard';
}
