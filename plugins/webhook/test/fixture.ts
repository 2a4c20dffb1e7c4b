import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { runWebhook } from '@zen-watcher/sdk/testing';
import webhook from '../src/index.js';

/** The text of a file in test/fixtures. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** A fixture parsed as one JSON document. */
export function fixtureJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fixture(name)) as T;
}

/** A fixture POSTed as JSON through the plugin with `config`; the request must succeed cleanly. */
export async function postFixture(file: string, config?: unknown) {
  const r = await runWebhook(webhook, { rawBody: fixture(file), contentType: 'application/json', config });
  expect(r.status).toBe(200);
  expect(r.invalid).toEqual([]);
  expect(r.errors).toEqual([]);
  return r;
}
