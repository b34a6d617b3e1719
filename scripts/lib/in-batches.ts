/**
 * A few tasks at a time over a list, results in the list's order: the reviewer tools' per-stack
 * plans (each a terraform with its own provider process) and the on-call commands' per-execution
 * calls (Step Functions' small DescribeExecution bucket) both must not start everything at once.
 */

/** Calls `work` on each item, at most `concurrency` at a time, keeping the order. */
export async function inBatches<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}
