import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type RunTrigger = 'schedule' | 'cli' | 'admin';
/** queued: planned and handed to the workers, who finish it when every delivery is counted. */
export type RunStatus = 'running' | 'queued' | 'finished' | 'failed';

/** One digest run, scheduled or manual, with its counts (`paperboy runs`). */
@Entity('digest_runs')
export class DigestRun {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  trigger: RunTrigger;

  @Column({ type: 'simple-json' })
  options: Record<string, unknown>;

  @Column({ type: 'varchar', length: 20 })
  status: RunStatus;

  @Column({ name: 'dry_run', type: 'boolean' })
  dryRun: boolean;

  @Column({ type: 'integer' })
  selected: number;

  @Column({ type: 'integer' })
  sent: number;

  @Column({ name: 'skipped_empty', type: 'integer' })
  skippedEmpty: number;

  @Column({ type: 'integer' })
  failed: number;

  @Column({ name: 'started_at', type: Date })
  startedAt: Date;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt: Date | null;
}
