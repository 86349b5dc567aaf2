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
      // Two I/O-like callbacks of one turn, each asking after its own microtasks.
      setTimeout(() => out.push(Promise.resolve().then(() => loader.load('a'))), 0);
      setTimeout(() => {
        out.push(Promise.resolve().then(() => loader.load('b')));
        setTimeout(() => resolve(Promise.all(out)), 5);
      }, 0);
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
