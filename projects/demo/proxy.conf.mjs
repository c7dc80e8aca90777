// Dev-server proxy to a mock server on 127.0.0.1:8080 (`npm run mock-server`).
// Plain JSON cannot express it: `/keys` and `/health` are both REST paths and app routes, so a
// browser navigation (Accept: text/html) must stay with the dev server while API calls go through.
const target = 'http://127.0.0.1:8080';

/** Lets page loads of the colliding routes fall through to the SPA. */
function keepNavigations(req) {
  if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) return '/index.html';
  return undefined;
}

export default {
  '/ws/events': { target, ws: true, changeOrigin: true },
  // /events/poll (long polling), /events/stream (native SSE) and /events (ApexStore 2.2's change stream).
  '/events': { target, changeOrigin: true },
  '/auth': { target, changeOrigin: true },
  '/stats': { target, changeOrigin: true },
  '/admin': { target, changeOrigin: true },
  '/__chaos': { target, changeOrigin: true },
  '/keys': { target, changeOrigin: true, bypass: keepNavigations },
  '/health': { target, changeOrigin: true, bypass: keepNavigations },
};
