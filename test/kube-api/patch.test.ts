import { describe, expect, it } from 'vitest';
import { PatchApplyError, jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';

describe('merge patch (RFC 7386)', () => {
  it.each([
    [{ a: 1, b: { c: 2 } }, { b: { c: null, d: 3 } }, { a: 1, b: { d: 3 } }],
    [{ a: [1, 2] }, { a: [3] }, { a: [3] }],
    [{ a: 1 }, { a: null }, {}],
    [{ a: { b: 1 } }, { a: 'x' }, { a: 'x' }],
  ])('%j + %j', (doc, patch, want) => {
    expect(mergePatch(doc, patch)).toEqual(want);
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies add, remove, replace, move, copy and test', () => {
    const doc = { a: { b: 1 }, list: [1, 2] };
    const out = jsonPatch(doc, [
      { op: 'test', path: '/a/b', value: 1 },
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'replace', path: '/a/b', value: 2 },
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'move', from: '/c/b', path: '/d' },
      { op: 'remove', path: '/list/0' },
      { op: 'add', path: '/e~1f', value: true },
    ]);
    expect(out).toEqual({ a: { b: 2 }, list: [2, 3], c: {}, d: 2, 'e/f': true });
    expect(doc).toEqual({ a: { b: 1 }, list: [1, 2] });
  });

  it.each([
    [[{ op: 'test', path: '/a', value: 2 }], /testing value \/a failed/],
    [[{ op: 'replace', path: '/nope/deeper', value: 2 }], /replace operation does not apply/],
    [[{ op: 'remove', path: '/nope' }], /Unable to remove nonexistent key/],
    [[{ op: 'add', path: '/x/y', value: 1 }], /doc is missing path/],
  ])('fails %j', (ops, msg) => {
    expect(() => jsonPatch({ a: 1 }, ops)).toThrow(PatchApplyError);
    expect(() => jsonPatch({ a: 1 }, ops)).toThrow(msg);
  });
});

describe('strategic merge patch (simplified)', () => {
  it('merges finalizers as a set and owner references by uid', () => {
    const doc = { metadata: { finalizers: ['a'], ownerReferences: [{ uid: '1', name: 'x' }] }, data: { k: 'v' } };
    const out = strategicMergePatch(doc, {
      metadata: { finalizers: ['b', 'a'], ownerReferences: [{ uid: '1', name: 'y' }, { uid: '2', name: 'z' }] },
      data: { k: null, n: 'm' },
    });
    expect(out).toEqual({ metadata: { finalizers: ['b', 'a'], ownerReferences: [{ uid: '1', name: 'y' }, { uid: '2', name: 'z' }] }, data: { n: 'm' } });
  });

  it('puts the patch items first, then the ones only the server had (as a real server orders them)', () => {
    const doc = { metadata: { finalizers: ['a'], ownerReferences: [{ uid: '1', name: 'x' }] } };
    const out = strategicMergePatch(doc, { metadata: { finalizers: ['b'], ownerReferences: [{ uid: '2', name: 'z' }] } });
    expect(out).toEqual({ metadata: { finalizers: ['b', 'a'], ownerReferences: [{ uid: '2', name: 'z' }, { uid: '1', name: 'x' }] } });
  });

  it('a JSON patch replace of a missing member adds it, as the apiserver allows', () => {
    expect(jsonPatch({ data: { a: '1' } }, [{ op: 'replace', path: '/data/b', value: '2' }])).toEqual({ data: { a: '1', b: '2' } });
  });

  it('honours $patch: replace, $patch: delete and $deleteFromPrimitiveList', () => {
    const doc = { data: { a: '1', b: '2' }, spec: { x: 1 }, metadata: { finalizers: ['a', 'b'] } };
    const out = strategicMergePatch(doc, {
      data: { $patch: 'replace', c: '3' },
      spec: { $patch: 'delete' },
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], '$setElementOrder/finalizers': ['b'] },
    });
    expect(out).toEqual({ data: { c: '3' }, metadata: { finalizers: ['b'] } });
  });
});
