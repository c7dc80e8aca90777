import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterLinkActive } from '@angular/router';
import { filter } from 'rxjs';
import { AuthService } from '../core/auth-service';
import { ConnectionStatusPill } from './connection-status-pill';

/** The console's pages, in menu order. */
const NAV_LINKS: readonly { path: string; label: string }[] = [
  { path: 'dashboard', label: 'Dashboard' },
  { path: 'keys', label: 'Keys' },
  { path: 'compaction', label: 'Compaction' },
  { path: 'health', label: 'Health' },
  { path: 'snapshots', label: 'Snapshots' },
  { path: 'sync', label: 'Sync' },
];

/**
 * Top bar: navigation, the live connection pill, who is signed in, and logout. Signed out it shows
 * only the brand: there is no connection to report before sign-in. On narrow screens the links
 * fold behind a Menu button and the pill gets a row of its own, so nothing overflows at 360 px.
 *
 * @example
 * ```html
 * <app-header />
 * ```
 */
@Component({
  selector: 'app-header',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RouterLinkActive, ConnectionStatusPill],
  host: { '(document:keydown.escape)': 'menuOpen.set(false)' },
  template: `
    <header class="bar">
      <a class="brand" routerLink="/dashboard">ApexStore <span>console</span></a>
      @if (auth.user(); as user) {
        <button type="button" class="menu-toggle" aria-controls="main-nav" [attr.aria-expanded]="menuOpen()"
                data-testid="menu-toggle" (click)="menuOpen.set(!menuOpen())">
          <span class="burger" aria-hidden="true"></span> Menu
        </button>
        <nav id="main-nav" aria-label="Pages" [class.open]="menuOpen()">
          @for (link of links; track link.path) {
            <a [routerLink]="link.path" routerLinkActive="active" ariaCurrentWhenActive="page"
               [attr.data-testid]="'nav-' + link.path">{{ link.label }}</a>
          }
        </nav>
        <div class="right">
          <app-connection-status-pill />
          <span class="who">
            <span class="user" data-testid="current-user">{{ user.name }}</span>
            <button type="button" class="ghost" data-testid="logout" (click)="logout()">Log out</button>
          </span>
        </div>
      }
    </header>
  `,
  styles: `
    /* The same height signed out (brand only) as signed in (buttons), so sign-in does not jolt the page. */
    .bar { display: flex; align-items: center; gap: .6rem 1.5rem; min-height: 3.4rem; padding: .6rem 1.5rem; background: #1f2633; color: #fff; }
    .brand { color: #fff; font-weight: 700; text-decoration: none; white-space: nowrap; }
    .brand span { font-weight: 400; opacity: .7; }
    nav { display: flex; gap: .25rem; flex: 1; }
    nav a { color: #c9d1de; text-decoration: none; padding: .35rem .7rem; border-radius: 6px; white-space: nowrap; }
    nav a.active, nav a:hover { background: #2f3a4d; color: #fff; }
    nav a:focus-visible, .menu-toggle:focus-visible { outline: 2px solid #8fb0ff; outline-offset: 1px; }
    .right { display: flex; align-items: center; gap: .8rem; margin-left: auto; min-width: 0; }
    .who { display: flex; align-items: center; gap: .8rem; }
    .user { opacity: .85; white-space: nowrap; }
    .ghost { background: transparent; border: 1px solid #56627a; color: #fff; white-space: nowrap; }
    .menu-toggle { display: none; align-items: center; gap: .45rem; margin-left: auto; background: transparent;
      border: 1px solid #56627a; color: #fff; }
    .burger, .burger::before, .burger::after { display: block; width: 1rem; height: 2px; background: currentColor; border-radius: 1px; }
    .burger { position: relative; }
    .burger::before, .burger::after { content: ''; position: absolute; left: 0; }
    .burger::before { top: -5px; }
    .burger::after { top: 5px; }

    /* Six links, the pill and the user need about 1180 px in one row (measured at every width from
       360 to 1400); below 1240 the links fold, with room to spare for a longer status or name. */
    @media (max-width: 1240px) {
      .bar { flex-wrap: wrap; padding: .6rem 1rem; }
      .menu-toggle { display: inline-flex; }
      .right { order: 2; flex-basis: 100%; flex-wrap: wrap; row-gap: .4rem; justify-content: space-between; margin-left: 0; }
      nav { order: 3; flex-basis: 100%; display: none; flex-direction: column; gap: .15rem; padding-top: .2rem;
        border-top: 1px solid #2f3a4d; }
      nav.open { display: flex; }
      nav a { padding: .55rem .7rem; }
    }
    @media (max-width: 420px) {
      .bar { padding: .5rem .75rem; }
      .user { display: none; }
      .ghost, .menu-toggle { padding: .3rem .6rem; font-size: .9rem; }
    }
  `,
})
export class AppHeader {
  protected readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  protected readonly links = NAV_LINKS;
  /** Whether the folded menu is open (narrow screens only; wide ones always show the links). */
  protected readonly menuOpen = signal(false);

  constructor() {
    // Choosing a page closes the menu, as does any other navigation.
    this.router.events
      .pipe(
        filter((e) => e instanceof NavigationEnd),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.menuOpen.set(false));
  }

  protected logout(): void {
    this.auth.logout();
    void this.router.navigate(['/login']);
  }
}
