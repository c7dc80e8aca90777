import type { LoggedEvent } from './event-log';

/** A one-line, human summary of a durable event (or an ApexStore key change), for feeds and toasts. */
export function describeEvent(event: LoggedEvent): string {
  switch (event.type) {
    case 'key_change':
      return `${event.operation} ${event.key}${event.cf !== 'default' ? ` (${event.cf})` : ''}`;
    case 'compaction_status': {
      const progress = event.details.progress;
      const pct = event.status === 'progress' && progress != null ? ` ${Math.round(progress * 100)}%` : '';
      return `compaction ${event.status}${pct} on ${event.cf}`;
    }
    case 'health_change':
      return `${event.probe} is ${event.status}${event.reason ? `: ${event.reason}` : ''}`;
    case 'sync_event':
      return `sync ${event.status}`;
    case 'snapshot_event':
      return `snapshot ${event.snapshotId} ${event.status}`;
  }
}
