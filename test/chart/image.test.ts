import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART, REPO, chartValues, readText, type JsonObject } from './chart-files.ts';

const dockerfile = readText(join(REPO, 'Dockerfile'));
const dockerignore = readText(join(REPO, '.dockerignore')).split('\n').map((l) => l.trim());
/** Instructions of the last stage (the runtime image). */
const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

describe('Dockerfile', () => {
  it('builds on node 24 slim in two stages', () => {
    expect(dockerfile).toContain('ARG NODE_IMAGE=node:24-bookworm-slim');
    expect([...dockerfile.matchAll(/^FROM \$\{NODE_IMAGE\}/gm)]).toHaveLength(2);
    expect(dockerfile).toMatch(/^RUN .*npm ci$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toContain('npm ci --omit=dev --ignore-scripts');
  });

  it('runs core/dist/main.js as uid 10001 on port 8080 in cluster mode', () => {
    expect(runtime).toContain('ENTRYPOINT ["node", "core/dist/main.js"]');
    expect(runtime).toMatch(/^USER 10001:10001$/m);
    expect(runtime).toMatch(/^EXPOSE 8080$/m);
    expect(runtime).toMatch(/ZW_MODE=cluster/);
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).not.toMatch(/^RUN /m);
  });

  it('matches what the chart expects of it', () => {
    const values = chartValues();
    expect((values.securityContext as JsonObject).runAsUser).toBe(10001);
    expect((values.podSecurityContext as JsonObject).runAsUser).toBe(10001);
    expect((values.service as JsonObject).port).toBe(8080);
    expect(readText(join(CHART, 'templates/deployment.yaml'))).toContain('mountPath: /tmp');
  });
});

describe('.dockerignore', () => {
  it('keeps installed and built files out of the build context', () => {
    expect(dockerignore).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git', '**/*.tsbuildinfo']));
  });

  it('keeps the sources the build needs (every workspace, and test/ for tsc -b)', () => {
    for (const needed of ['sdk', 'core', 'plugins', 'test', 'package-lock.json', 'examples']) expect(dockerignore).not.toContain(needed);
  });
});
