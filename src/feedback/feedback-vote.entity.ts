import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Vote } from './feedback.types.js';

/** One reader's vote on one paper; the opposite vote replaces it (one row per reader and paper). */
@Entity('feedback_votes')
export class FeedbackVote {
  @PrimaryColumn({ name: 'subscriber_id', type: 'integer' })
  subscriberId: number;

  @PrimaryColumn({ name: 'paper_id', type: 'integer' })
  paperId: number;

  @Column({ type: 'smallint' })
  vote: Vote;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;
}
