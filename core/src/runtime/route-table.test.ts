import { describe, expect, it } from 'vitest';
import { RouteTable } from './route-table.js';

const table = () => {
  const t = new RouteTable();
  const changes: string[] = [];
  t.onChange(({ path, gained, lost }) => changes.push(`${path}: ${lost ?? '-'} -> ${gained ?? '-'}`));
  return { t, changes };
};

describe('RouteTable', () => {
  it('gives a path to the oldest claim, whatever order the claims arrive in', () => {
    const { t, changes } = table();
    expect(t.claim({ id: 'new', path: '/ingest/a', order: '2026-11-02T00:00:00Z' })).toBe('new');
    expect(t.claim({ id: 'old', path: '/ingest/a', order: '2026-11-01T00:00:00Z' })).toBe('old');
    expect(t.holder('/ingest/a', 'new')).toBe('old');
    expect(changes).toEqual(['/ingest/a: - -> new', '/ingest/a: new -> old']);
  });

  it('keeps the current owner on a tie (creation times have one-second resolution)', () => {
    const { t } = table();
    t.claim({ id: 'b', path: '/ingest/a', order: '2026-11-01T00:00:00Z' });
    expect(t.claim({ id: 'a', path: '/ingest/a', order: '2026-11-01T00:00:00Z' })).toBe('b');
  });

  it('hands a freed path to the next oldest claimant and says so', () => {
    const { t, changes } = table();
    t.claim({ id: 'old', path: '/ingest/a', order: '1' });
    t.claim({ id: 'newest', path: '/ingest/a', order: '3' });
    t.claim({ id: 'newer', path: '/ingest/a', order: '2' });
    changes.length = 0;
    t.release('old');
    expect(t.owns('newer', '/ingest/a')).toBe(true);
    expect(changes).toEqual(['/ingest/a: old -> newer']);
  });

  it('moves a claim to a new path, freeing the old one', () => {
    const { t } = table();
    t.claim({ id: 'x', path: '/ingest/a', order: '1' });
    t.claim({ id: 'y', path: '/ingest/a', order: '2' });
    t.claim({ id: 'x', path: '/ingest/b/', order: '1' });
    expect(t.owns('y', '/ingest/a')).toBe(true);
    expect(t.owns('x', '/ingest/b')).toBe(true);
  });

  it('serves only what the owner serves, and stops serving a displaced owner at once', () => {
    const { t } = table();
    t.claim({ id: 'new', path: '/ingest/a', order: '2' });
    const instance = { id: 'new', webhookPath: '/ingest/a' } as never;
    t.serve(instance);
    expect(t.get('/ingest/a?x=1')).toBe(instance);
    t.claim({ id: 'old', path: '/ingest/a', order: '1' });
    expect(t.get('/ingest/a')).toBeUndefined();
    expect(() => t.serve(instance)).toThrow(/does not own/);
  });
});
