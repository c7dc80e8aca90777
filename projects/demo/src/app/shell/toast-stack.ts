import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Notifier } from '../core/notifier';

/** Renders the notifier's toasts in a corner, newest at the bottom. */
@Component({
  selector: 'app-toast-stack',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="stack" aria-live="polite">
      @for (toast of notifier.toasts(); track toast.id) {
        <div class="toast" [class]="'toast toast-' + toast.kind" data-testid="toast">
          <span>{{ toast.text }}</span>
          <button type="button" aria-label="Dismiss" (click)="notifier.dismiss(toast.id)">×</button>
        </div>
      }
    </div>
  `,
  styles: `
    .stack { position: fixed; right: 1rem; bottom: 1rem; display: flex; flex-direction: column; gap: .5rem; z-index: 10; max-width: 24rem; }
    .toast { display: flex; gap: .75rem; align-items: start; justify-content: space-between; padding: .7rem .9rem;
      border-radius: 8px; background: #1f2633; color: #fff; box-shadow: 0 4px 14px rgb(0 0 0 / .18); }
    .toast-warning { background: #7a5400; }
    .toast-error { background: #8c1d1d; }
    button { background: none; border: 0; color: inherit; font-size: 1.1rem; padding: 0; cursor: pointer; }
  `,
})
export class ToastStack {
  protected readonly notifier = inject(Notifier);
}
