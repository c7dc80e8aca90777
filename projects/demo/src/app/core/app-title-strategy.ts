import { Injectable, inject } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { RouterStateSnapshot, TitleStrategy } from '@angular/router';

/**
 * The app's name, the last part of every tab title.
 *
 * @example
 * ```ts
 * title.setTitle(`Keys · ${APP_NAME}`);
 * ```
 */
export const APP_NAME = 'ApexStore console';

/**
 * Tab titles name the page first and the app last ("Keys · ApexStore console"), so a row of
 * console tabs stays tellable apart and a bookmark still says which app it belongs to.
 *
 * @example
 * ```ts
 * providers: [provideRouter(routes), { provide: TitleStrategy, useClass: AppTitleStrategy }]
 * ```
 */
@Injectable()
export class AppTitleStrategy extends TitleStrategy {
  private readonly title = inject(Title);

  override updateTitle(snapshot: RouterStateSnapshot): void {
    const page = this.buildTitle(snapshot);
    this.title.setTitle(page ? `${page} · ${APP_NAME}` : APP_NAME);
  }
}
