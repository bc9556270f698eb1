// Run as a separate process by the tests: opens the store read-only and prints what it sees.
import { openStore } from '../store.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: read-store.ts DATABASE');
const store = openStore(path, { readonly: true, busyTimeoutMs: 2000 });
try {
  process.stdout.write(JSON.stringify({ count: store.countNodes(), bestId: store.bestNode()?.id ?? null }));
} finally {
  store.close();
}
