import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DomainError, NotFoundError } from '../common/errors.js';

export type JobKind = 'ingest' | 'import' | 'retag';

/** What `GET /api/admin/jobs/:id` answers. */
export interface JobView {
  id: string;
  kind: JobKind;
  label: string;
  state: 'running' | 'done' | 'failed';
  progress: Record<string, unknown>;
  result: unknown;
  error: { status: number; message: string } | null;
  startedAt: string;
  finishedAt: string | null;
}

const KEPT = 50;

/**
 * Long admin work (a large ingest, CSV import or re-tag) runs here, off the request that started
 * it: the request can answer 202 at once, and anyone may poll the job's progress. Jobs live in
 * this process's memory (the last 50); a restart forgets them, and the inbox resumes its dumps.
 */
@Injectable()
export class AdminJobs {
  private readonly log = new Logger('AdminJobs');
  private readonly jobs = new Map<string, { view: JobView; done: Promise<unknown> }>();

  start<T>(kind: JobKind, label: string, work: (report: (progress: Record<string, unknown>) => void) => Promise<T>): { view: JobView; done: Promise<T> } {
    const view: JobView = {
      id: randomUUID(),
      kind,
      label,
      state: 'running',
      progress: {},
      result: null,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    const done = work((progress) => (view.progress = progress)).then(
      (result) => Object.assign(view, { state: 'done', result, finishedAt: new Date().toISOString() }) && result,
      (err: unknown) => {
        Object.assign(view, { state: 'failed', error: errorOf(err), finishedAt: new Date().toISOString() });
        if (view.error!.status >= 500) this.log.error({ msg: 'job failed', id: view.id, kind, err: err instanceof Error ? err.stack : String(err) });
        throw err;
      },
    );
    done.catch(() => undefined); // a job started with ?async=true has nobody awaiting it: its failure is in its view
    this.jobs.set(view.id, { view, done });
    for (const id of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - KEPT))) this.jobs.delete(id);
    return { view, done };
  }

  get(id: string): JobView {
    const job = this.jobs.get(id);
    if (!job) throw new NotFoundError(`no job ${id.slice(0, 40)} (jobs are kept in memory until a restart)`);
    return job.view;
  }

  /** Newest first. */
  list(): JobView[] {
    return [...this.jobs.values()].map((j) => j.view).reverse();
  }
}

/** A job as a row of the admin page. */
export function jobRow(j: JobView): Record<string, string> {
  const shown = j.state === 'failed' ? j.error?.message : JSON.stringify(j.state === 'done' ? j.result : j.progress);
  return { kind: j.kind, label: j.label, started: j.startedAt.slice(0, 19).replace('T', ' '), state: j.state, summary: (shown ?? '').slice(0, 300) };
}

function errorOf(err: unknown): { status: number; message: string } {
  if (err instanceof DomainError) return { status: err.status, message: err.message };
  if (err instanceof Error && err.name === 'DumpRejectedError') return { status: 400, message: `rejected: ${err.message}` };
  return { status: 500, message: 'internal error' };
}
