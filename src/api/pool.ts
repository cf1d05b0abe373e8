import { createRequire } from 'node:module';
import type { Pool as UndiciPool } from 'undici';

// undici's index loads all of undici (fetch, WebSocket, mocks, caches: 110 modules, about 0.1 s of
// every command's start-up). The client needs only a Pool with the request API, which the index adds
// to Dispatcher.prototype (undici/index.js): the same two steps, without the rest (30 modules). The
// index, when something else loads it, repeats the same assignment.
const require = createRequire(import.meta.url);
const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
Object.assign(Dispatcher.prototype, require('undici/lib/api/index.js'));

export const Pool = require('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
