/**
 * undici's Agent and request(), loaded from their own modules rather than from undici's index. The index
 * loads everything undici has — fetch, WebSocket, EventSource, caches, mocks — and its cookie module
 * reads `globalThis.Headers`, which loads Node's own copy of undici as well: ~70 ms of CPU at every
 * start (issue #17: a tenth of what a whole light benchmark's client costs) for the two things the
 * control plane uses. Bound to undici 7's layout (`lib/dispatcher/agent.js`, `lib/api/api-request.js`;
 * package.json pins the major); __tests__/util/undici.test.ts checks they are undici's own; their
 * types are declared in ./undici-internals.d.ts.
 */
import type { Agent as UndiciAgent, Dispatcher } from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import requestApi from 'undici/lib/api/api-request.js';

/** undici's Agent (one pool per origin). */
export const Agent: typeof UndiciAgent = AgentClass;
export type Agent = UndiciAgent;

/** request()'s options, with the dispatcher required: the control plane never uses a global one. */
export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & {
  dispatcher: Dispatcher;
};

/**
 * undici's `request(url, options)` as its index exports it (its makeDispatcher: the URL split into origin
 * and path, the method defaulting to PUT with a body, GET without), on the dispatcher of the options.
 */
export function request(url: string | URL, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const { dispatcher, ...rest } = options;
  return requestApi.call(dispatcher, {
    ...rest,
    origin: target.origin,
    path: target.search ? `${target.pathname}${target.search}` : target.pathname,
    method: rest.method ?? (rest.body ? 'PUT' : 'GET'),
  });
}
