import DataLoader from 'dataloader';

/**
 * Lookups made in the same turn of the event loop share one round trip: when fifty phones scan at the
 * door, their API-token checks become one query and their check-in contexts another, instead of fifty
 * of each queueing for the pool. A key asked for several times in the turn is read once (`keyOf` names
 * it), and the requests asking for it share the answer: treat it as read-only. Nothing is cached: a
 * lookup in the next turn reads the database again. `load` answers for every key it is given, in order
 * (null when nothing matches).
 */
export function batchedLookup<K, V>(load: (keys: readonly K[]) => Promise<(V | null)[]>, keyOf: (key: K) => string): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(
    async (keys) => {
      const distinct = [...new Map(keys.map((k) => [keyOf(k), k])).values()];
      const values = await load(distinct);
      const found = new Map(distinct.map((k, i) => [keyOf(k), values[i]]));
      return keys.map((k) => found.get(keyOf(k)) ?? null);
    },
    {
      cache: false,
      // After the I/O callbacks of this turn (the other requests read meanwhile), not after this request's microtasks.
      batchScheduleFn: (callback) => setImmediate(callback),
      maxBatchSize: 100,
    },
  );
}

/** Matches a result row to each key by a column (rows for keys with no match are absent). */
export function byKey<K, R>(keys: readonly K[], rows: R[], keyOfKey: (key: K) => string, keyOfRow: (row: R) => string): (R | null)[] {
  const found = new Map(rows.map((r) => [keyOfRow(r), r]));
  return keys.map((k) => found.get(keyOfKey(k)) ?? null);
}
