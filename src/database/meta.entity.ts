import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Small facts about this installation, e.g. that the sample dump was ingested on first start. */
@Entity('meta')
export class Meta {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'text' })
  value: string;
}
