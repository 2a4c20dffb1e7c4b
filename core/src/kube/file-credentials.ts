import { HostError, HostErrorCodes } from '../errors.js';
import type { KubeAuth, KubeCredentials } from './kube-credentials.js';
import { TlsDispatcher, readPem, type TlsSettings } from './kube-tls.js';

/** A kubeconfig user (or the service account) that needs no plugin: what goes on each request. */
export interface UserSettings {
  /** A bearer token, inline or in a file re-read on every auth (a projected token rotates). */
  token?: { value: string } | { file: string };
  basic?: { username: string; password: string };
  /** `as`: the user to impersonate. */
  impersonate?: string;
}

export interface FileCredentialsOptions {
  server: string;
  origin: string;
  tls: TlsSettings;
  user: UserSettings;
}

/**
 * Credentials read from files and inline data, with nothing to run: bearer tokens, client
 * certificates, basic auth. Everything is read once when created, so a kubeconfig that names a
 * missing file fails at start with the file's name, and then on every auth() again (KubeHttp
 * asks every 30 s), so rotated tokens and certificates are picked up.
 */
export class FileCredentials implements KubeCredentials {
  readonly server: string;
  readonly origin: string;
  private readonly tls: TlsDispatcher;

  constructor(private readonly options: FileCredentialsOptions) {
    this.server = options.server.replace(/\/$/, '');
    this.origin = options.origin;
    if (!/^https?:\/\//.test(this.server)) throw this.invalid(`the server ${JSON.stringify(options.server)} is not an http(s) URL`);
    // client-node's rule (it would fail each request): plain http only when verification is off.
    if (this.server.startsWith('http:') && !options.tls.insecure) throw this.invalid(`the server ${this.server} is plain http, which needs insecure-skip-tls-verify: true`);
    if (options.tls.proxyUrl && !/^https?:\/\//.test(options.tls.proxyUrl)) throw this.invalid(`proxy-url ${options.tls.proxyUrl} is not an http(s) URL`);
    this.tls = new TlsDispatcher(options.tls);
    try {
      this.read();
    } catch (err) {
      throw this.invalid((err as Error).message, err);
    }
  }

  async auth(): Promise<KubeAuth> {
    return this.read();
  }

  private read(): KubeAuth {
    const { token, basic, impersonate } = this.options.user;
    const headers: Record<string, string> = {};
    if (basic) headers.Authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
    if (token) {
      // Trimmed as client-go does: a token file written with `echo` ends in a newline.
      const value = ('value' in token ? token.value : readPem({ file: token.file }, 'token-file').toString('utf8')).trim();
      if (value) headers.Authorization = `Bearer ${value}`;
    }
    if (impersonate) headers['Impersonate-User'] = impersonate;
    return { headers, dispatcher: this.tls.get() };
  }

  private invalid(what: string, cause?: unknown): HostError {
    return new HostError(HostErrorCodes.HOST_CONFIG_INVALID, `${this.origin}: ${what}`, { cause });
  }
}

