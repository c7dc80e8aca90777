/*
 * Public API surface of ngx-realtime.
 */
export * from './lib/protocol';
export {
  parseServerFrame,
  parseClientFrame,
  isSequencedEvent,
  matchesSubscription,
  parseTopics,
  parseFilter,
  type ParseResult,
} from './lib/frame-validation';
