import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.js';
import type { TlsConfig } from '../../config/host-config.js';
import { tempDir } from '../../../test-support/fixtures.js';
import { certificateSource } from './certificate-source.js';
import { tlsSecretRefs } from '../../config/tls-config.js';

const CERTS = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'webhook-auth', 'tls');
const none: TlsConfig = { secretName: '', certFile: '', keyFile: '', clientCaSecretName: '', clientCaFile: '' };

describe('webhook.tls configuration', () => {
  it('reads the TLS variables and refuses combinations that cannot work, naming them', () => {
    expect(loadConfig({ TLS_SECRET_NAME: 'tls', TLS_CLIENT_CA_SECRET_NAME: 'ca', OPS_PORT: '8081' }).config).toMatchObject({ opsPort: 8081, webhook: { tls: { secretName: 'tls', clientCaSecretName: 'ca' } } });
    const message = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(message({ TLS_SECRET_NAME: 'tls', TLS_CERT_FILE: '/c', TLS_KEY_FILE: '/k' })).toContain('TLS_SECRET_NAME and TLS_CERT_FILE/TLS_KEY_FILE both name a certificate');
    expect(message({ TLS_CERT_FILE: '/c' })).toContain('TLS_CERT_FILE and TLS_KEY_FILE go together');
    expect(message({ TLS_CLIENT_CA_FILE: '/ca' })).toContain('a client CA (mTLS) needs TLS itself');
    expect(message({ TLS_SECRET_NAME: 'tls', TLS_CLIENT_CA_FILE: '/ca', TLS_CLIENT_CA_SECRET_NAME: 'ca' })).toContain('both name the client CA');
  });

  it('names the Secrets to watch, once each', () => {
    expect(tlsSecretRefs({ ...none, secretName: 'tls', clientCaSecretName: 'tls' }, 'zen')).toEqual(['zen/tls']);
    expect(tlsSecretRefs({ ...none, certFile: '/c', keyFile: '/k' }, 'zen')).toEqual([]);
  });
});

describe('certificateSource', () => {
  it('reads files, re-reads them only when replaced, and keeps the last good read while one is missing', () => {
    const dir = tempDir();
    const put = (stem: string) => {
      for (const ext of ['crt', 'key']) {
        writeFileSync(join(dir, `new.${ext}`), readFileSync(join(CERTS, `${stem}.${ext}`)));
        renameSync(join(dir, `new.${ext}`), join(dir, `tls.${ext}`));
      }
    };
    put('server-a');
    const source = certificateSource({ ...none, certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), clientCaFile: join(CERTS, 'ca.crt') }, 'zen', undefined);
    const first = source.read();
    expect(first.ok && first.value.cert).toBe(readFileSync(join(CERTS, 'server-a.crt'), 'utf8'));
    expect(first.ok && first.value.ca).toBe(readFileSync(join(CERTS, 'ca.crt'), 'utf8'));
    put('server-b');
    const second = source.read();
    expect(second.ok && second.value.cert).toBe(readFileSync(join(CERTS, 'server-b.crt'), 'utf8'));
    renameSync(join(dir, 'tls.key'), join(dir, 'gone.key'));
    expect(source.read()).toEqual(second);
  });

  it('reads tls.crt/tls.key and ca.crt from Secrets, and says which one is missing', () => {
    const data = new Map([['zen/tls/tls.crt', 'CERT'], ['zen/tls/tls.key', 'KEY']]);
    const secrets = { read: (ns: string, name: string, key: string) => data.get(`${ns}/${name}/${key}`) };
    const source = certificateSource({ ...none, secretName: 'tls', clientCaSecretName: 'ca' }, 'zen', secrets);
    expect(source.read()).toEqual({ ok: false, missing: 'client CA: Secret zen/ca with ca.crt' });
    data.set('zen/ca/ca.crt', 'CA');
    expect(source.read()).toEqual({ ok: true, value: { cert: 'CERT', key: 'KEY', ca: 'CA' } });
    data.delete('zen/tls/tls.key');
    expect(source.read()).toEqual({ ok: false, missing: 'TLS certificate: Secret zen/tls with tls.crt and tls.key' });
    expect(() => certificateSource({ ...none, secretName: 'tls' }, 'zen', undefined)).toThrow(/needs cluster mode/);
  });
});
