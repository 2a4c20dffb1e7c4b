// Bearer tokens this server issued, each bound to a user name. There is no RBAC: every
// authenticated user may do everything. TokenReview answers for the same tokens.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Obj } from './resource-types.ts';
import { badRequest } from './status.ts';

/** What a real API server's service-account tokens are issued for when no audience is asked. */
export const API_AUDIENCES = ['https://kubernetes.default.svc.cluster.local'];

export interface Identity {
  user: string;
  uid: string;
  groups: string[];
  token: string;
  /** Who the token is for (a projected token's `audience`); the API server's own by default. */
  audiences: string[];
  /** Epoch milliseconds after which the token is refused; none when unset. */
  expiresAt?: number;
}

/** How to mint a token: like a TokenRequest's `audiences` and `expirationSeconds`. */
export interface TokenOptions {
  audiences?: string[];
  /** Seconds from now; zero or negative mints a token that has already expired. */
  expirationSeconds?: number;
}

function groupsFor(user: string): string[] {
  // system:serviceaccount:<ns>:<name> belongs to the service-account groups, like the real authenticator.
  const m = /^system:serviceaccount:([^:]+):[^:]+$/.exec(user);
  const groups = m ? ['system:serviceaccounts', `system:serviceaccounts:${m[1]}`] : [];
  if (user === 'system:admin' || user === 'kubernetes-admin') groups.push('system:masters');
  groups.push('system:authenticated');
  return groups;
}

export class Tokens {
  private byToken = new Map<string, Identity>();

  issue(user: string, token?: string, options: TokenOptions = {}): string {
    const t = token ?? `zwt-${randomBytes(18).toString('base64url')}`;
    const expiresAt = options.expirationSeconds === undefined ? undefined : Date.now() + options.expirationSeconds * 1000;
    this.byToken.set(t, { user, uid: randomUUID(), groups: groupsFor(user), token: t, audiences: options.audiences?.length ? [...options.audiences] : [...API_AUDIENCES], expiresAt });
    return t;
  }

  revoke(token: string): void {
    this.byToken.delete(token);
  }

  lookup(token: string): Identity | undefined {
    return this.byToken.get(token);
  }

  /** The identity of a request's bearer token: only unexpired tokens for the API server itself. */
  fromHeader(authorization: string | undefined): Identity | undefined {
    if (!authorization) return undefined;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const id = m ? this.byToken.get(m[1]) : undefined;
    return id && this.verdict(id, API_AUDIENCES).ok ? id : undefined;
  }

  /** Whether `id` is valid now for one of `audiences`; the intersection, as the real authenticator computes it. */
  private verdict(id: Identity, audiences: string[]): { ok: true; audiences: string[] } | { ok: false; error: string } {
    if (id.expiresAt !== undefined && Date.now() >= id.expiresAt) return { ok: false, error: '[invalid bearer token, service account token has expired]' };
    const common = audiences.filter((a) => id.audiences.includes(a));
    if (common.length === 0) return { ok: false, error: `[invalid bearer token, token audiences ${JSON.stringify(id.audiences)} is invalid for the target audiences ${JSON.stringify(audiences)}]` };
    return { ok: true, audiences: common };
  }

  /**
   * authentication.k8s.io/v1 TokenReview: the spec comes back with the verdict in status. As on a
   * real server, `spec.audiences` unset means the API server's own, and `status.audiences` is the
   * intersection of the asked audiences and the token's.
   */
  review(body: Obj, managedFields?: Obj[]): Obj {
    const token: string = body.spec?.token ?? '';
    if (!token) throw badRequest('token is required for TokenReview in authentication');
    const id = this.lookup(token);
    const asked: string[] = body.spec?.audiences?.length ? body.spec.audiences : API_AUDIENCES;
    const v = id ? this.verdict(id, asked) : { ok: false as const, error: 'invalid bearer token' };
    const status: Obj = id && v.ok ? { authenticated: true, user: { username: id.user, uid: id.uid, groups: id.groups }, audiences: v.audiences } : { user: {}, error: (v as { error: string }).error };
    return {
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: managedFields ? { creationTimestamp: null, managedFields } : { creationTimestamp: null },
      spec: body.spec ?? {},
      status,
    };
  }
}
