/**
 * How each sender signs or authenticates a delivery, written from its own documentation (not
 * from the host's code), so the tests check the host against the senders.
 */
import { createHmac } from 'node:crypto';

const hex = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. */
export const github = (secret: string, body: string) => ({ 'x-hub-signature-256': `sha256=${hex(secret, body)}` });

/** Stripe: `Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<body>">` (one v1 per active secret). */
export const stripe = (secrets: string[], body: string, t = nowSeconds()) => ({ 'stripe-signature': [`t=${t}`, ...secrets.map((s) => `v1=${hex(s, `${t}.${body}`)}`)].join(',') });

/** Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<ts>:<body>">` with `X-Slack-Request-Timestamp: <ts>`. */
export const slack = (secret: string, body: string, ts = nowSeconds()) => ({ 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${hex(secret, `v0:${ts}:${body}`)}` });

/** GitLab: the secret token as is, in `X-Gitlab-Token`. */
export const gitlab = (token: string) => ({ 'x-gitlab-token': token });

/** Alertmanager's `http_config.basic_auth`: `Authorization: Basic base64(<username>:<password>)`. */
export const basic = (username: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` });
