// Bearer tokens this server issued, each bound to a user name. There is no RBAC: every
// authenticated user may do everything. TokenReview answers for the same tokens.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Obj } from './resource-types.ts';

export interface Identity {
  user: string;
  uid: string;
  groups: string[];
  token: string;
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

  issue(user: string, token?: string): string {
    const t = token ?? `zwt-${randomBytes(18).toString('base64url')}`;
    this.byToken.set(t, { user, uid: randomUUID(), groups: groupsFor(user), token: t });
    return t;
  }

  revoke(token: string): void {
    this.byToken.delete(token);
  }

  lookup(token: string): Identity | undefined {
    return this.byToken.get(token);
  }

  fromHeader(authorization: string | undefined): Identity | undefined {
    if (!authorization) return undefined;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return m ? this.byToken.get(m[1]) : undefined;
  }

  /** authentication.k8s.io/v1 TokenReview: the spec comes back with the verdict in status. */
  review(body: Obj): Obj {
    const token: string = body.spec?.token ?? '';
    const id = this.lookup(token);
    const audiences: string[] | undefined = body.spec?.audiences;
    const status: Obj = id ? { authenticated: true, user: { username: id.user, uid: id.uid, groups: id.groups } } : { user: {}, error: '[invalid bearer token, token lookup failed]' };
    if (id && audiences?.length) status.audiences = audiences;
    return {
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: body.spec ?? {},
      status,
    };
  }
}
