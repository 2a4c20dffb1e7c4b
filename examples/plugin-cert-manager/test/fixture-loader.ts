import { readFileSync } from 'node:fs';
import type { KubeObject } from '@zen-watcher/sdk';

/** The tests' clock: every fixture is consistent with it. */
export const NOW = '2026-11-26T12:00:00Z';

/** A fixture Certificate (a fresh copy, so a test may change it). */
export function loadCertificate(file: string): KubeObject {
  return JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as KubeObject;
}

/** A copy of a Certificate with some of its `status` replaced. */
export function withStatus(cert: KubeObject, status: Record<string, unknown>): KubeObject {
  const copy = structuredClone(cert);
  copy.status = { ...(copy.status as object), ...status };
  return copy;
}

/** A copy of a Certificate whose Ready (and optionally Issuing) condition is replaced. */
export function withConditions(cert: KubeObject, ...conditions: Record<string, unknown>[]): KubeObject {
  return withStatus(cert, { conditions });
}
