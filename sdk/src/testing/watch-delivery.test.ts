import { describe, expect, it } from 'vitest';
import type { KubeObject, WatchedResource } from '../plugin.js';
import { WatchDelivery } from './selectors.js';

const resource: WatchedResource = { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', labelSelector: 'app=web' };
const cm = (rv: string, labels: Record<string, string>, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns', resourceVersion: rv, labels }, data }) as KubeObject;

describe('WatchDelivery', () => {
  it('sends an object entering the selection as an add, and one leaving it as a delete of its last matching state', () => {
    const watch = new WatchDelivery([resource]);
    expect(watch.next('add', cm('1', {}))).toBeUndefined();
    expect(watch.next('update', cm('2', { app: 'web' }, { k: 'v' }))).toEqual({ type: 'add', object: cm('2', { app: 'web' }, { k: 'v' }) });
    expect(watch.next('update', cm('3', { app: 'web' }))?.type).toBe('update');
    expect(watch.next('update', cm('4', { app: 'db' }))).toEqual({ type: 'delete', object: cm('4', { app: 'web' }) });
    expect(watch.next('update', cm('5', { app: 'db' }))).toBeUndefined();
    expect(watch.next('delete', cm('6', { app: 'db' }))).toBeUndefined();
  });

  it('passes what no API server could send (no name) as it is', () => {
    const watch = new WatchDelivery([resource]);
    expect(watch.next('update', null as unknown as KubeObject)).toEqual({ type: 'update', object: null });
  });
});
