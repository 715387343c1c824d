import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('papers')
export class Paper {
  @PrimaryGeneratedColumn()
  id: number;

  /** Versionless arXiv id, or `t:` + a hash of the normalized title when there is none. */
  @Index({ unique: true })
  @Column({ name: 'paper_key', type: 'varchar', length: 64 })
  paperKey: string;

  @Column({ name: 'arxiv_id', type: 'varchar', length: 40, nullable: true })
  arxivId: string | null;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', nullable: true })
  abstract: string | null;

  @Column({ type: 'simple-json' })
  authors: string[];

  @Column({ name: 'published_at', type: Date, nullable: true })
  publishedAt: Date | null;

  @Column({ name: 'trending_date', type: 'varchar', length: 10, nullable: true })
  trendingDate: string | null;

  @Column({ type: 'integer', nullable: true })
  upvotes: number | null;

  @Column({ name: 'arxiv_url', type: 'text', nullable: true })
  arxivUrl: string | null;

  @Column({ name: 'pdf_url', type: 'text', nullable: true })
  pdfUrl: string | null;

  @Column({ name: 'code_url', type: 'text', nullable: true })
  codeUrl: string | null;

  @Column({ name: 'project_url', type: 'text', nullable: true })
  projectUrl: string | null;

  @Column({ name: 'ai_summary', type: 'text', nullable: true })
  aiSummary: string | null;

  @Column({ name: 'ai_keywords', type: 'simple-json' })
  aiKeywords: string[];

  @Column({ type: 'simple-json' })
  categories: string[];

  /** The dump format that first brought the paper. */
  @Column({ type: 'varchar', length: 20 })
  source: string;

  @Column({ name: 'first_seen_at', type: Date })
  firstSeenAt: Date;

  @Column({ name: 'last_seen_at', type: Date })
  lastSeenAt: Date;

  /** When the paper became news for digests; null for papers stored by `--backfill`, which are never mailed. */
  @Column({ name: 'available_at', type: Date, nullable: true })
  availableAt: Date | null;
}
