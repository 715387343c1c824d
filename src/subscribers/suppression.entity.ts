import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Someone who asked never to be mailed again: only a hash of the address is kept (see email-address.ts). */
@Entity('suppressions')
export class Suppression {
  @PrimaryColumn({ name: 'email_hash', type: 'varchar', length: 64 })
  emailHash: string;

  /** `deleted` (the person asked), `complained` or `operator`. */
  @Column({ type: 'varchar', length: 32 })
  reason: string;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;
}
