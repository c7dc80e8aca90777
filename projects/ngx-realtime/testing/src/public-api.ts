/*
 * Public API surface of ngx-realtime/testing.
 */
export {};
