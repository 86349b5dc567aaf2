import { batchedLookup } from './batched-lookup';

describe('batchedLookup', () => {
  const directory = new Map([
    ['a', { name: 'An' }],
    ['b', { name: 'Bình' }],
  ]);

  function lookup() {
    const calls: string[][] = [];
    const loader = batchedLookup<string, { name: string }>(
      async (keys) => {
        calls.push([...keys]);
        return keys.map((k) => directory.get(k) ?? null);
      },
      (k) => k,
    );
    return { loader, calls };
  }

  it('answers every key asked in the same turn from one load of the distinct keys, in order, null for none', async () => {
    const { loader, calls } = lookup();
    const answers = await Promise.all(['b', 'a', 'x', 'b'].map((k) => loader.load(k)));
    expect(calls).toEqual([['b', 'a', 'x']]);
    expect(answers).toEqual([{ name: 'Bình' }, { name: 'An' }, null, { name: 'Bình' }]);
  });

  it('caches nothing: the next turn loads again', async () => {
    const { loader, calls } = lookup();
    await loader.load('a');
    await new Promise((r) => setImmediate(r));
    await loader.load('a');
    expect(calls).toEqual([['a'], ['a']]);
  });

  it('collects lookups made by callbacks of the same turn (requests read together), not only one caller’s', async () => {
    const { loader, calls } = lookup();
    const answers = await new Promise<unknown[]>((resolve) => {
      const out: Promise<unknown>[] = [];
      // Two callbacks of one turn of the event loop (as requests read in one poll phase are), each asking after
      // its own microtasks. Immediates queued together run in the same check phase, before the batch, which
      // the first load queues as an immediate of the next one. (Two zero timeouts are not guaranteed to share
      // a turn: on a loaded machine they were once split, and this test failed.)
      setImmediate(() => out.push(Promise.resolve().then(() => loader.load('a'))));
      setImmediate(() => {
        out.push(Promise.resolve().then(() => loader.load('b')));
        setTimeout(() => resolve(Promise.all(out)), 5);
      });
    });
    expect(calls).toEqual([['a', 'b']]);
    expect(answers).toEqual([{ name: 'An' }, { name: 'Bình' }]);
  });

  it('fails every caller of the batch when the load fails', async () => {
    const loader = batchedLookup<string, string>(async () => {
      throw new Error('connection terminated');
    }, (k) => k);
    const results = await Promise.allSettled([loader.load('a'), loader.load('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('connection terminated');
  });
});
