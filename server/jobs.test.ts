import { describe, expect, it } from 'vitest';
import { JobQueue } from './jobs.js';

/** A promise with its resolve/reject exposed, so a test decides when a job ends. */
function gate(): { promise: Promise<void>; open: () => void; fail: (error: Error) => void } {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Lets queued microtasks and timers run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('JobQueue', () => {
  it('runs concurrently enqueued jobs one at a time, in FIFO order', async () => {
    const queue = new JobQueue();
    const log: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const gates = [gate(), gate(), gate()];
    const jobs = gates.map((g, i) =>
      queue.enqueue('train', async () => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        log.push(`start ${i}`);
        await g.promise;
        log.push(`end ${i}`);
        running--;
        return i;
      }),
    );
    await settle();
    expect(jobs.map((job) => job.view().status)).toEqual(['running', 'queued', 'queued']);
    expect(jobs.map((job) => job.view().position)).toEqual([0, 1, 2]);
    // Releasing a later job first changes nothing: it has not started.
    gates[2]!.open();
    gates[1]!.open();
    await settle();
    expect(log).toEqual(['start 0']);
    gates[0]!.open();
    expect(await Promise.all(jobs.map((job) => job.done))).toEqual([0, 1, 2]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect(mostAtOnce).toBe(1);
    expect(queue.pending).toBe(0);
  });

  it('records a failure with its message and goes on with the next job', async () => {
    const queue = new JobQueue();
    const failing = queue.enqueue('publish', async () => {
      throw new Error('manifest.json: sha256 mismatch');
    });
    const next = queue.enqueue('publish', async () => 'ok');
    await expect(failing.done).rejects.toThrow('sha256 mismatch');
    expect(await next.done).toBe('ok');
    expect(queue.get(failing.id)).toMatchObject({ status: 'failed', error: 'manifest.json: sha256 mismatch', result: null });
    expect(queue.get(next.id)).toMatchObject({ status: 'succeeded', result: 'ok', error: null, kind: 'publish' });
  });

  it('reports times, unknown ids as null, and forgets the oldest finished jobs beyond the limit', async () => {
    const queue = new JobQueue({ keepFinished: 2 });
    const jobs = [1, 2, 3].map((n) => queue.enqueue('train', async () => n));
    await queue.idle();
    expect(queue.get(jobs[0]!.id)).toBeNull();
    const view = queue.get(jobs[2]!.id)!;
    expect(view.status).toBe('succeeded');
    expect(Date.parse(view.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(view.startedAt!));
    expect(Date.parse(view.startedAt!)).toBeGreaterThanOrEqual(Date.parse(view.queuedAt));
    expect(queue.get('no-such-job')).toBeNull();
  });

  it('gives every job a distinct, unguessable id', () => {
    const queue = new JobQueue();
    const ids = new Set(Array.from({ length: 50 }, () => queue.enqueue('x', async () => 0).id));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
