import type { WebhookAuth } from '../../config/source-spec.js';
import { sameSecret } from './constant-time.js';
import { authorization, headerValue, type Headers } from './request-headers.js';
import { refused, type AuthOutcome } from './verdict.js';

/** `Authorization: Bearer <secret>` (Alertmanager's `authorization`, Falcosidekick's headers). */
export function checkBearer(secret: string, headers: Headers): AuthOutcome {
  const token = authorization(headers, 'Bearer');
  if (token === undefined) return refused('missing_credentials', 'Bearer');
  return sameSecret(token, secret) ? undefined : refused('bad_token', 'Bearer');
}

/** The secret as the whole value of a named header, e.g. GitLab's `X-Gitlab-Token: <secret>`. */
export function checkHeaderToken(auth: WebhookAuth, secret: string, headers: Headers): AuthOutcome {
  const name = auth.header!;
  const challenge = `Token header="${name}"`;
  const token = headerValue(headers, name)?.trim();
  if (!token) return refused('missing_credentials', challenge, `no ${name} header`);
  return sameSecret(token, secret) ? undefined : refused('bad_token', challenge);
}

/**
 * HTTP basic (Alertmanager's `basic_auth`): the password is the Secret's key, the user name
 * `username`, or else the Secret's `username` key (a `kubernetes.io/basic-auth` Secret has both).
 */
export function checkBasic(username: string | undefined, password: string, headers: Headers): AuthOutcome {
  const challenge = 'Basic realm="zen-watcher", charset="UTF-8"';
  if (username === undefined) return refused('secret_unavailable', challenge, 'no user name: set spec.webhook.auth.username or a "username" key in the Secret');
  const credential = authorization(headers, 'Basic');
  if (credential === undefined) return refused('missing_credentials', challenge);
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return refused('bad_token', challenge, 'the basic credential has no ":"');
  // Both compared, always, so a right user name with a wrong password takes as long as neither.
  const userOk = sameSecret(decoded.slice(0, colon), username);
  const passwordOk = sameSecret(decoded.slice(colon + 1), password);
  return userOk && passwordOk ? undefined : refused('bad_token', challenge);
}
