import { Injectable, signal } from '@angular/core';

/** One toast on screen. */
export interface Toast {
  id: number;
  kind: 'info' | 'warning' | 'error';
  text: string;
}

const AUTO_DISMISS_MS = 8_000;

/** Toasts for things the user did not ask for: another client's writes, stream errors. */
@Injectable({ providedIn: 'root' })
export class Notifier {
  private nextId = 1;
  private readonly list = signal<readonly Toast[]>([]);

  /** Toasts on screen, oldest first (at most five: a burst must not bury the page). */
  readonly toasts = this.list.asReadonly();

  /** Shows a toast that goes away by itself. */
  notify(text: string, kind: Toast['kind'] = 'info'): void {
    const toast: Toast = { id: this.nextId++, kind, text };
    this.list.update((list) => [...list, toast].slice(-5));
    setTimeout(() => this.dismiss(toast.id), AUTO_DISMISS_MS);
  }

  /** Removes a toast now. */
  dismiss(id: number): void {
    this.list.update((list) => list.filter((t) => t.id !== id));
  }
}
