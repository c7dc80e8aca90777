import { parseCdcWebhookBody } from '../compat/cdc-webhook-body';
import { ingestAuthorized, type IngestCredentials } from '../compat/ingest-auth';
import type { Domain } from '../domain/domain';
import type { EventWriter } from '../storage/event-writer';
import { HttpError, json, readJsonObject, readJson } from './http-util';

/**
 * The gateway's path: ApexStore 2.2's `cdc_endpoint` points here.
 *
 * @example
 * ```ts
 * // ApexStore's config: cdc_endpoint = "http://gateway:8080/ingest/apexstore"
 * await fetch(gatewayUrl + INGEST_APEXSTORE_PATH, { method: 'POST', headers, body });
 * ```
 */
export const INGEST_APEXSTORE_PATH = '/ingest/apexstore';

/**
 * What the gateway is built from: the header a webhook must carry, the domain that writes keys, and
 * the writer whose `settled()` says the change is durable.
 *
 * @example
 * ```ts
 * routeIngest({ credentials: config.ingestAuth, domain, events }, req, url);
 * ```
 */
export interface IngestParts {
  credentials: IngestCredentials;
  domain: Pick<Domain, 'putKey' | 'deleteKey'>;
  events: Pick<EventWriter, 'settled'>;
}

/** `Content-Type: application/json`, with or without parameters (ApexStore sends it bare). */
function isJson(req: Request): boolean {
  const type = req.headers.get('content-type');
  return type !== null && type.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

async function ingest(parts: IngestParts, req: Request): Promise<Response> {
  const { header } = parts.credentials;
  if (!ingestAuthorized(req, parts.credentials)) throw new HttpError(401, `Missing or wrong "${header}" header`);
  if (!isJson(req)) throw new HttpError(415, 'Content-Type must be application/json');
  const change = parseCdcWebhookBody(await readJsonObject(req));
  // The same writes as PUT and DELETE /keys/{key}: the key store mirrors ApexStore, and the change
  // is a native key_change with a seq, replay, batching, tab sharing and Redis scale-out.
  if (change.operation === 'put') parts.domain.putKey(change.cf, change.key, change.value);
  else parts.domain.deleteKey(change.cf, change.key); // a key the mirror lacks: nothing to change, no event
  // Answered only once the change is in the event log (sqlite, or Redis with --redis): a 2xx means
  // it survives a crash of the gateway, so ApexStore's retries stop only for changes that are kept.
  const seq = await parts.events.settled();
  return readJson({ status: 'ok', operation: change.operation, cf: change.cf, key: change.key }, seq);
}

/**
 * `POST /ingest/apexstore`: takes ApexStore 2.2's CDC webhook (one `CdcEvent` per request) and
 * appends it as a native `key_change`. Returns null for other paths, and for this one when the
 * gateway is off (no `--ingest-auth`), so it is a 404 like any unknown path. Refusals: 405 for
 * another method, 401 without the configured header, 415 for another content type, 413 over the
 * body limit, 400 naming the field for a bad body. Success: `200 {"status":"ok",...}` with
 * `X-Last-Seq` at or after the change's seq.
 *
 * @example
 * ```ts
 * const answer = (ingestParts && routeIngest(ingestParts, req, url)) ?? routeHttp(httpParts, req, url);
 * ```
 */
export function routeIngest(parts: IngestParts, req: Request, url: URL): Promise<Response> | Response | null {
  if (url.pathname !== INGEST_APEXSTORE_PATH) return null;
  if (req.method !== 'POST') return json({ error: 'Method not allowed' }, 405);
  return ingest(parts, req);
}
