import type { WebhookAuth } from '../../config/source-spec.js';
import { STRIPE_FIXED, payloadProblem, signatureScheme, signsTimestamp } from './signature-scheme.js';

type Field = Exclude<keyof WebhookAuth, 'type'>;

/** The fields each type reads; any other field set is a mistake worth naming (a typo'd type, say). */
const FIELDS: Record<Exclude<WebhookAuth['type'], 'none'>, readonly Field[]> = {
  bearer: ['secretRef'],
  hmac: ['secretRef', 'preset', 'signatureHeader', 'signaturePrefix', 'payload', 'algorithm', 'encoding', 'timestampHeader', 'toleranceSeconds'],
  token: ['secretRef', 'header'],
  basic: ['secretRef', 'username'],
  serviceAccount: ['audiences', 'serviceAccounts', 'serviceAccountNamespaces'],
};

const SECRET_HOLDS = { bearer: 'token', hmac: 'HMAC key', token: 'token', basic: 'password' } as const;

/**
 * What is wrong with `spec.webhook.auth` beyond its schema (which fields go with which type), in
 * words for the Ingester's InvalidWebhook status; undefined when it can run.
 */
export function authSpecProblem(auth: WebhookAuth | undefined): string | undefined {
  if (!auth || auth.type === 'none') return undefined;
  const fields = FIELDS[auth.type];
  const stray = (Object.keys(auth) as (keyof WebhookAuth)[]).filter((k) => k !== 'type' && auth[k] !== undefined && !fields.includes(k));
  if (stray.length > 0) return `spec.webhook.auth.${stray[0]} does not apply to type ${auth.type} (it takes ${fields.join(', ')})`;
  if (auth.type !== 'serviceAccount' && !auth.secretRef) {
    return `spec.webhook.auth.type is ${auth.type} but spec.webhook.auth.secretRef is missing: name the Secret (and key) holding the ${SECRET_HOLDS[auth.type]}`;
  }
  switch (auth.type) {
    case 'token':
      return auth.header ? undefined : 'spec.webhook.auth.header is required for type token: the header that carries the token (e.g. X-Gitlab-Token)';
    case 'hmac': {
      if (auth.preset === 'stripe') {
        const fixed = STRIPE_FIXED.find((f) => auth[f] !== undefined);
        if (fixed) return `spec.webhook.auth.${fixed} cannot be set with preset stripe: Stripe-Signature has a fixed layout (t=...,v1=...)`;
        return undefined;
      }
      const scheme = signatureScheme(auth);
      const problem = payloadProblem(scheme.payload);
      if (problem) return problem;
      if (signsTimestamp(scheme) && !scheme.timestampHeader) return 'spec.webhook.auth.payload has {timestamp}: set timestampHeader, the header it is read from';
      return undefined;
    }
    case 'serviceAccount':
      if (!auth.audiences?.length) return 'spec.webhook.auth.audiences is required for type serviceAccount: the audience of the projected token senders mount (e.g. zen-watcher)';
      if (!auth.serviceAccounts?.length && !auth.serviceAccountNamespaces?.length) {
        return 'type serviceAccount needs spec.webhook.auth.serviceAccounts (system:serviceaccount:<namespace>:<name>) or serviceAccountNamespaces: who may post';
      }
      return undefined;
    default:
      return undefined;
  }
}
