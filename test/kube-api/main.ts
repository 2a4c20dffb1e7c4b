// Standalone server: `npm run kube-api -- --kubeconfig <file> [--port N] [--host H] [--user U] [--cost-model realistic]`.
// Prints one JSON line ({"url", "kubeconfig", "token", "admin"}) when ready; stops on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startKubeApi } from './server.ts';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    user: { type: 'string', default: 'system:admin' },
    'bookmark-interval-ms': { type: 'string' },
    'history-size': { type: 'string' },
    'namespace-deletion-delay-ms': { type: 'string' },
    // 'realistic' or JSON numbers ({"writeSlots": 4, ...}); off by default
    'cost-model': { type: 'string' },
  },
});

if (!values.kubeconfig) {
  process.stderr.write('usage: npm run kube-api -- --kubeconfig <file> [--port N] [--host H] [--user U]\n');
  process.exit(2);
}

const api = await startKubeApi({
  port: Number(values.port),
  host: values.host,
  bookmarkIntervalMs: values['bookmark-interval-ms'] ? Number(values['bookmark-interval-ms']) : undefined,
  historySize: values['history-size'] ? Number(values['history-size']) : undefined,
  namespaceDeletionDelayMs: values['namespace-deletion-delay-ms'] ? Number(values['namespace-deletion-delay-ms']) : undefined,
  costModel: values['cost-model'] === undefined || values['cost-model'] === 'realistic' ? (values['cost-model'] as 'realistic' | undefined) : JSON.parse(values['cost-model']),
});
const token = await api.writeKubeconfig(values.kubeconfig, { user: values.user });
process.stdout.write(`${JSON.stringify({ url: api.url, kubeconfig: values.kubeconfig, token, admin: `${api.url}/__test/` })}\n`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await api.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
