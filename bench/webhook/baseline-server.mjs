// The baseline: bare fastify parsing the same JSON and answering 200, nothing else.
import Fastify from 'fastify';

const app = Fastify({ bodyLimit: 1024 * 1024 });
app.post('/ingest/:source', async (req) => ({ ok: true, rule: req.body?.rule }));
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ ready: address })}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
