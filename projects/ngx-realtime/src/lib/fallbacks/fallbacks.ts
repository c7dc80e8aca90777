/*
 * The code a session loads the first time it needs more than the WebSocket: the Server-Sent Events
 * and long-polling transports, the switching between transports and the probing back up, the
 * renewal of a token beside a live connection that cannot take one in-band, and the browser's HTTP
 * I/O for them. A dynamic `import()` of this file (`load-fallbacks.ts`) is where bundlers split it
 * into a chunk of its own: an app whose WebSocket works never downloads it.
 */
export { TransportSwitch } from '../session/transport-switch';
export { SseTransport } from '../transport/sse-transport';
export { answersHttp, pollOverHttp, streamOverHttp } from '../transport/browser-http';
