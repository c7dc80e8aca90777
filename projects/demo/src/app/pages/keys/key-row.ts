import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, input, linkedSignal, output, untracked, viewChild } from '@angular/core';
import type { KeyValueBody } from 'ngx-realtime';

/**
 * What another client did to a listed key since the list was shown.
 *
 * @example
 * ```ts
 * const remote: RemoteChange = listed ? 'changed' : 'added';
 * ```
 */
export type RemoteChange = 'changed' | 'deleted' | 'added';

/**
 * A row of the key explorer: the key, and what we know about it beyond the server's list.
 *
 * @example
 * ```ts
 * const row: KeyRow = { key: 'user:1', value: 'Ada', cf: 'default', saved: true };
 * ```
 */
export interface KeyRow extends KeyValueBody {
  /** Set when another client wrote or deleted the key while we were looking. */
  remote?: RemoteChange;
  /** This tab wrote it; the server confirmed, the live stream has not delivered it yet. */
  saved?: boolean;
}

/** Characters of a value the table shows; the rest is one "Show all" away. */
const PREVIEW_CHARS = 200;
/** Values longer than this (or on several lines) may not fit their cell: offer them whole. */
const SHOW_ALL_FROM = 60;

/**
 * One key in the explorer's table, with its in-row modes: viewing, editing the value (the key is
 * fixed; Save, Cancel or Esc) and confirming a delete. The page owns which row is in which mode
 * and does the writes; the row only asks.
 *
 * @example
 * ```html
 * <tr app-key-row [row]="row" [canWrite]="true" [editing]="editing() === row.key" (save)="saveEdit(row.key, $event)"></tr>
 * ```
 */
@Component({
  selector: 'tr[app-key-row]',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    'data-testid': 'key-row',
    '[attr.data-key]': 'row().key',
    '[class.deleted]': "row().remote === 'deleted'",
    '[class.flash]': '!!row().remote',
    '[class.saved]': '!!row().saved',
    '(keydown.escape)': 'onEscape()',
  },
  template: `
    <td class="key">
      <span class="key-name">{{ row().key }}</span>
      @if (row().remote; as remote) {
        <span class="badge" data-testid="key-badge">{{ badgeText(remote) }}</span>
      }
      @if (row().saved) {
        <span class="badge saved" data-testid="key-saved" title="The server has it; waiting for the live stream to confirm">saved</span>
      }
    </td>
    <td class="value">
      @if (editing()) {
        <textarea #editor rows="3" [value]="draft()" (input)="draft.set(editor.value)" [attr.aria-label]="'New value of ' + row().key"
          data-testid="key-edit-value"></textarea>
      } @else {
        <span class="value-text" data-testid="key-value">{{ preview() }}</span>
        @if (long()) {
          <button type="button" class="link" (click)="showAll.emit()" data-testid="key-show-all">Show all</button>
        }
      }
      @if (confirming()) {
        <p class="confirm" role="alert" data-testid="key-delete-question">Delete {{ row().key }}?</p>
      }
      @if (error(); as message) {
        <p class="row-error" role="alert" data-testid="key-row-error">{{ message }}</p>
      }
    </td>
    <td class="cf muted">{{ row().cf }}</td>
    <td class="actions">
      @if (canWrite() && row().remote !== 'deleted') {
        @if (editing()) {
          <button type="button" (click)="save.emit(draft())" [disabled]="busy()" data-testid="key-edit-save">Save</button>
          <button type="button" class="secondary" (click)="cancel.emit()" data-testid="key-edit-cancel">Cancel</button>
        } @else if (confirming()) {
          <button type="button" class="danger solid" (click)="confirmDelete.emit()" [disabled]="busy()" data-testid="key-delete-confirm">Delete</button>
          <button #keep type="button" class="secondary" (click)="cancel.emit()" data-testid="key-delete-cancel">Cancel</button>
        } @else {
          <button type="button" class="secondary" (click)="edit.emit()" data-testid="key-edit">Edit</button>
          <button type="button" class="danger" (click)="askDelete.emit()" data-testid="key-delete">Delete</button>
        }
      }
    </td>
  `,
  styles: `
    :host { display: table-row; }
    td { min-width: 0; }
    .key { font-family: var(--mono); overflow-wrap: anywhere; }
    .value-text { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .value textarea { display: block; width: 100%; min-height: 4.5rem; font: inherit; font-family: var(--mono); padding: .4rem .5rem;
      border: 1px solid #c8ced8; border-radius: 6px; resize: vertical; }
    .cf { overflow-wrap: anywhere; }
    .actions { text-align: right; white-space: nowrap; }
    .actions button { margin-left: .3rem; }
    .confirm { margin: .4rem 0 0; font-weight: 600; color: #8c1d1d; overflow-wrap: anywhere; }
    button.link { border: 0; background: none; color: var(--accent); padding: 0; font-size: .85rem; text-decoration: underline; }
    button.danger.solid { background: #b42318; color: #fff; border-color: #b42318; }
    .row-error { margin: .4rem 0 0; color: #8c1d1d; font-size: .85rem; overflow-wrap: anywhere; }
    .badge { margin-left: .5rem; font-family: var(--sans); font-size: .75rem; padding: .1rem .45rem; border-radius: 999px;
      background: #fff4dc; color: #7a5400; white-space: nowrap; }
    .badge.saved { background: #e3f6ea; color: #1e6b3a; }
    :host(.deleted) td { text-decoration: line-through; opacity: .6; }
    :host(.deleted) .badge { text-decoration: none; }
    :host(.flash) { animation: flash 1.2s ease-out; }
    @keyframes flash { from { background: #fff4dc; } }
    @media (max-width: 40rem) {
      :host { display: grid; grid-template-columns: minmax(0, 1fr) auto; border-bottom: 1px solid var(--line); padding: .5rem .75rem; }
      td { display: block; border: 0 !important; padding: .15rem 0 !important; }
      .key { grid-column: 1; }
      .cf { grid-column: 2; grid-row: 1; text-align: right; }
      .value, .actions { grid-column: 1 / -1; }
      .actions { text-align: left; }
      .actions button { margin: .2rem .3rem 0 0; }
    }
  `,
})
export class KeyRowView {
  readonly row = input.required<KeyRow>();
  readonly canWrite = input(false);
  /** The value is being edited in this row. */
  readonly editing = input(false);
  /** The row asks whether to delete the key. */
  readonly confirming = input(false);
  /** A write of this row is on its way. */
  readonly busy = input(false);
  /** Why the last write of this row failed. */
  readonly error = input<string | null>(null);

  readonly edit = output<void>();
  readonly save = output<string>();
  /** Leave editing or confirming (Cancel or Esc). */
  readonly cancel = output<void>();
  readonly askDelete = output<void>();
  readonly confirmDelete = output<void>();
  readonly showAll = output<void>();

  /** The edited value: the row's value when editing starts, then whatever is typed. */
  protected readonly draft = linkedSignal({ source: this.editing, computation: () => untracked(this.row).value });
  protected readonly preview = computed(() => {
    const value = this.row().value;
    return value.length > PREVIEW_CHARS ? `${value.slice(0, PREVIEW_CHARS)}…` : value;
  });
  protected readonly long = computed(() => this.row().value.length > SHOW_ALL_FROM || this.row().value.includes('\n'));
  private readonly editor = viewChild<ElementRef<HTMLTextAreaElement>>('editor');
  private readonly keep = viewChild<ElementRef<HTMLButtonElement>>('keep');

  constructor() {
    // Focus moves into the mode, so Esc (handled on the row) works without a click first.
    effect(() => this.editor()?.nativeElement.focus());
    effect(() => this.keep()?.nativeElement.focus());
  }

  protected badgeText(remote: RemoteChange): string {
    return remote === 'deleted' ? 'deleted by another client' : remote === 'added' ? 'added by another client' : 'changed by another client';
  }

  protected onEscape(): void {
    if (this.editing() || this.confirming()) this.cancel.emit();
  }
}
