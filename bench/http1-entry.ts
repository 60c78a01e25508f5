/**
 * What bench/http1-reads.mjs uses of the engine, bundled on the fly with ncc the way dist/ is: the
 * load path's lean HTTP/1.1 client.
 */
export { Http1Dispatcher } from '../src/stream/http1.js';
