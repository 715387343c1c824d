import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Paper } from '../papers/paper.entity.js';

/** A paper's place under a topic: how strongly, and which query terms put it there. */
@Entity('paper_topics')
export class PaperTopic {
  @PrimaryColumn({ name: 'paper_id', type: 'integer' })
  paperId: number;

  @PrimaryColumn({ name: 'topic_slug', type: 'varchar', length: 64 })
  topicSlug: string;

  @Column({ type: 'real' })
  score: number;

  @Column({ type: 'simple-json' })
  matched: string[];

  // One-sided, so paper.entity does not import this file back (no import circle).
  @ManyToOne(() => Paper, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'paper_id' })
  paper: Relation<Paper>;
}
