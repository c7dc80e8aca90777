/*
 * Public API surface of ngx-realtime/testing.
 */
export { provideRealtimeTesting, type RealtimeTestingOptions } from './provide-realtime-testing';
export { RealtimeTestingController, type TestMatch } from './realtime-testing-controller';
export {
  FakeRealtimeBackend,
  TestConnection,
  TestPoll,
  type TestConnectionState,
  type TestEvent,
  type TestFrame,
} from './fake-realtime-backend';
export { TestStream, type FakeStreamServer } from './test-stream';
export { FakeServerLink, type FakeServer, type FakeLinkState } from './fake-server-link';
export { FakeRealtimeClock } from './fake-realtime-clock';
export { FakeNetworkStatus } from './fake-network-status';
export { FakeTabNetwork, FakeTab } from './fake-tab-network';
