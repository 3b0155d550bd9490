/**
 * A FIFO job queue that runs one job at a time: train and publish requests go through it, so two
 * of them never write the staging area or switch `latest.json` at once. A request that arrives
 * while another runs waits its turn; a failed job does not stop the ones behind it.
 *
 *   const queue = new JobQueue();
 *   const job = queue.enqueue('train', () => train(options));
 *   await job.done;            // or poll queue.get(job.id) from another request
 */
import { randomUUID } from 'node:crypto';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** What the API shows of a job (JSON-safe). */
export interface JobView<T = unknown> {
  id: string;
  kind: string;
  status: JobStatus;
  /** ISO 8601 times; null until the job reaches that point. */
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Jobs ahead of this one (0 when running or finished). */
  position: number;
  result: T | null;
  /** The error message of a failed job. */
  error: string | null;
}

export interface Job<T = unknown> {
  readonly id: string;
  readonly kind: string;
  /** Settles when the job has finished: its result, or its error. */
  readonly done: Promise<T>;
  view(): JobView<T>;
}

interface JobRecord<T> {
  id: string;
  kind: string;
  status: JobStatus;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  result: T | null;
  error: string | null;
}

export interface JobQueueOptions {
  /** Finished jobs remembered for GET /api/jobs/<id> (oldest forgotten first). Default 100. */
  keepFinished?: number;
}

export class JobQueue {
  private readonly records = new Map<string, JobRecord<unknown>>();
  private readonly waiting: string[] = [];
  private readonly finished: string[] = [];
  private readonly keepFinished: number;
  /** The tail of the chain: each job starts when the previous one has settled. */
  private tail: Promise<void> = Promise.resolve();

  constructor(options: JobQueueOptions = {}) {
    this.keepFinished = options.keepFinished ?? 100;
  }

  /** Queues `run`; it starts once every job queued before it has finished. */
  enqueue<T>(kind: string, run: () => Promise<T>): Job<T> {
    const record: JobRecord<T> = {
      id: randomUUID(),
      kind,
      status: 'queued',
      queuedAt: new Date(),
      startedAt: null,
      finishedAt: null,
      result: null,
      error: null,
    };
    this.records.set(record.id, record);
    this.waiting.push(record.id);
    const done = this.tail.then(() => this.runRecord(record, run));
    // The chain must survive a failure; the caller sees it through `done`.
    this.tail = done.then(() => undefined, () => undefined);
    return { id: record.id, kind, done, view: () => this.viewOf(record) };
  }

  /** A job's current state, or null for an unknown (or long-forgotten) id. */
  get(id: string): JobView | null {
    const record = this.records.get(id);
    return record ? this.viewOf(record) : null;
  }

  /** Jobs queued or running. */
  get pending(): number {
    return this.waiting.length + this.runningCount();
  }

  /** Resolves once every job queued so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }

  private async runRecord<T>(record: JobRecord<T>, run: () => Promise<T>): Promise<T> {
    this.waiting.splice(this.waiting.indexOf(record.id), 1);
    record.status = 'running';
    record.startedAt = new Date();
    try {
      const result = await run();
      record.result = result;
      record.status = 'succeeded';
      return result;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      record.status = 'failed';
      throw error;
    } finally {
      record.finishedAt = new Date();
      this.remember(record.id);
    }
  }

  private remember(id: string): void {
    this.finished.push(id);
    while (this.finished.length > this.keepFinished) this.records.delete(this.finished.shift()!);
  }

  private viewOf<T>(record: JobRecord<T>): JobView<T> {
    const position = record.status === 'queued' ? this.waiting.indexOf(record.id) + (this.runningCount() > 0 ? 1 : 0) : 0;
    return {
      id: record.id,
      kind: record.kind,
      status: record.status,
      queuedAt: record.queuedAt.toISOString(),
      startedAt: record.startedAt?.toISOString() ?? null,
      finishedAt: record.finishedAt?.toISOString() ?? null,
      position,
      result: record.result,
      error: record.error,
    };
  }

  private runningCount(): number {
    let running = 0;
    for (const record of this.records.values()) if (record.status === 'running') running++;
    return running;
  }
}
