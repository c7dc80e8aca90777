import { timingSafeEqual } from 'node:crypto';

/**
 * The header an ApexStore webhook must carry to be taken by the gateway.
 *
 * @example
 * ```ts
 * const credentials: IngestCredentials = { header: 'Authorization', value: 'Bearer s3cret' };
 * ```
 */
export interface IngestCredentials {
  readonly header: string;
  readonly value: string;
}

/**
 * Reads `--ingest-auth` the way ApexStore 2.2 reads its `auth_header` setting, so the same string
 * configures both ends: `"Header-Name: value"` is that header (split at the first colon, both sides
 * trimmed), anything without a colon is a bare token sent as `Authorization: Bearer <token>`. A
 * token that contains a colon is therefore written out in full: `'Authorization: Bearer a:b'`.
 *
 * @throws Error when it is empty, or the header name or value is.
 *
 * @example
 * ```ts
 * parseIngestAuth('X-Webhook-Secret: s3cret'); // { header: 'X-Webhook-Secret', value: 's3cret' }
 * parseIngestAuth('s3cret');                   // { header: 'Authorization', value: 'Bearer s3cret' }
 * ```
 */
export function parseIngestAuth(raw: string): IngestCredentials {
  const colon = raw.indexOf(':');
  if (colon === -1) {
    const token = raw.trim();
    if (token === '') throw new Error('--ingest-auth needs a token or "Header-Name: value"');
    return { header: 'Authorization', value: `Bearer ${token}` };
  }
  const header = raw.slice(0, colon).trim();
  const value = raw.slice(colon + 1).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) throw new Error(`--ingest-auth: "${header}" is not a header name`);
  if (value === '') throw new Error(`--ingest-auth: the header ${header} needs a value`);
  return { header, value };
}

/**
 * Whether a request carries the configured header with exactly the configured value (compared in
 * constant time, so the answer's timing tells nothing about the secret).
 *
 * @example
 * ```ts
 * if (!ingestAuthorized(req, credentials)) throw new HttpError(401, 'Missing or wrong "Authorization" header');
 * ```
 */
export function ingestAuthorized(req: Request, credentials: IngestCredentials): boolean {
  const given = req.headers.get(credentials.header);
  if (given === null) return false;
  const a = Buffer.from(given.trim());
  const b = Buffer.from(credentials.value);
  return a.length === b.length && timingSafeEqual(a, b);
}
