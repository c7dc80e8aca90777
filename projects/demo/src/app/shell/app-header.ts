import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Router, RouterLink, RouterLinkActive } from '@angular/router';
import { AuthService } from '../core/auth-service';
import { ConnectionStatusPill } from './connection-status-pill';

/** Top bar: navigation, the live connection pill, who is signed in, and logout. */
@Component({
  selector: 'app-header',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RouterLinkActive, ConnectionStatusPill],
  template: `
    <header class="bar">
      <a class="brand" routerLink="/dashboard">ApexStore <span>console</span></a>
      @if (auth.user(); as user) {
        <nav>
          @for (link of links; track link.path) {
            <a [routerLink]="link.path" routerLinkActive="active" [attr.data-testid]="'nav-' + link.path">{{ link.label }}</a>
          }
        </nav>
      }
      <div class="right">
        <app-connection-status-pill />
        @if (auth.user(); as user) {
          <span class="user" data-testid="current-user">{{ user.name }}</span>
          <button type="button" class="ghost" data-testid="logout" (click)="logout()">Log out</button>
        }
      </div>
    </header>
  `,
  styles: `
    .bar { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem; background: #1f2633; color: #fff; }
    .brand { color: #fff; font-weight: 700; text-decoration: none; }
    .brand span { font-weight: 400; opacity: .7; }
    nav { display: flex; gap: .25rem; flex: 1; }
    nav a { color: #c9d1de; text-decoration: none; padding: .35rem .7rem; border-radius: 6px; }
    nav a.active, nav a:hover { background: #2f3a4d; color: #fff; }
    .right { display: flex; align-items: center; gap: .8rem; margin-left: auto; }
    .user { opacity: .85; }
    .ghost { background: transparent; border: 1px solid #56627a; color: #fff; }
  `,
})
export class AppHeader {
  protected readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  protected readonly links = [
    { path: 'dashboard', label: 'Dashboard' },
    { path: 'keys', label: 'Keys' },
    { path: 'compaction', label: 'Compaction' },
    { path: 'health', label: 'Health' },
    { path: 'snapshots', label: 'Snapshots' },
  ];

  protected logout(): void {
    this.auth.logout();
    void this.router.navigate(['/login']);
  }
}
