/**
 * undici's Agent, loaded from its own module rather than from undici's index. The index loads everything
 * undici has — fetch, WebSocket, EventSource, caches, mocks — and its cookie module reads
 * `globalThis.Headers`, which loads Node's own copy of undici as well: ~70 ms of CPU at every start
 * (issue #17). Only `EXO_BENCH_HTTP_CLIENT=undici` uses it (src/run/benchmark.ts imports this module
 * then, and only then); every run's HTTP goes through the lean client of src/stream otherwise. Bound to
 * undici 7's layout (`lib/dispatcher/agent.js`; package.json pins the major);
 * __tests__/util/undici.test.ts checks it is undici's own; its type is declared in
 * ./undici-internals.d.ts.
 */
import type { Agent as UndiciAgent } from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';

/** undici's Agent (one pool per origin). */
export const Agent: typeof UndiciAgent = AgentClass;
export type Agent = UndiciAgent;
