import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One topic a subscriber reads; `position` keeps the order they chose it in. */
@Entity('subscriber_topics')
@Index('subscriber_topics_slug', ['topicSlug'])
export class SubscriberTopic {
  @PrimaryColumn({ name: 'subscriber_id', type: 'integer' })
  subscriberId: number;

  @PrimaryColumn({ name: 'topic_slug', type: 'varchar', length: 64 })
  topicSlug: string;

  @Column({ type: 'integer' })
  position: number;
}
