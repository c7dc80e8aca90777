/** Toasts on screen at most (the notifier keeps five): beyond it, the last one sums up the rest. */
const SHOWN = 5;

/**
 * Another client's writes, announced as they arrive: each on its own, unless a burst brings many at
 * once (a batch frame carries hundreds), when the first few are named and one toast counts the rest.
 * What arrives together is announced together, once the current task's events are in.
 *
 * @example
 * ```ts
 * const announcements = new Announcements((text) => notifier.notify(text, 'info'));
 * announcements.add('user:1 was changed by another client');
 * ```
 */
export class Announcements {
  #waiting: string[] = [];

  constructor(private readonly announce: (text: string) => void) {}

  add(text: string): void {
    if (this.#waiting.push(text) === 1) queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    const texts = this.#waiting;
    this.#waiting = [];
    const named = texts.length <= SHOWN ? texts.length : SHOWN - 1;
    for (const text of texts.slice(0, named)) this.announce(text);
    const more = texts.length - named;
    if (more > 0) this.announce(`…and ${more.toLocaleString('en-US')} more keys changed by other clients`);
  }
}
