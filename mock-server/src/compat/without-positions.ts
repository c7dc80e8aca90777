import { LAST_SEQ_HEADER } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';

/**
 * A REST answer as ApexStore 2.2 would give it: without `X-Last-Seq`. ApexStore numbers nothing,
 * so with `--compat apexstore-2.2` no answer says where it stands in a stream, and a client (the
 * SDK's `liveResource` with `apexStoreCdc()`) is tested the way it will run there.
 *
 * @example
 * ```ts
 * http: (req, url) => withoutPositions(routeHttp(parts, req, url)),
 * ```
 */
export function withoutPositions(answer: Response | Promise<Response> | null): Response | Promise<Response> | null {
  if (answer === null) return null;
  if (answer instanceof Response) return strip(answer);
  return answer.then(strip);
}

function strip(response: Response): Response {
  response.headers.delete(LAST_SEQ_HEADER);
  return response;
}
