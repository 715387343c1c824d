import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('topics')
export class Topic {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text' })
  description: string;

  /** A query in the topic query language; see src/topics/query.parser.ts. */
  @Column({ type: 'text' })
  query: string;

  @Column({ name: 'updated_at', type: Date })
  updatedAt: Date;
}
