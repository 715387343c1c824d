import { Injectable } from '@nestjs/common';
import type { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberRepository } from '../subscribers/subscriber.repository.js';
import { SubscribersService } from '../subscribers/subscribers.service.js';
import { TopicsService } from '../topics/topics.service.js';
import { sectionRef } from './digest.sections.js';
import { plainWords, splitKeywordQueries } from './reason.words.js';

export interface MuteState {
  subscriber: Subscriber;
  /** What the link mutes, in the reader's words; null when the reader no longer follows it. */
  label: string | null;
}

/**
 * "Mute this section" from a digest: a topic leaves the reader's topics, a keyword query leaves
 * their keywords; nothing else changes. The link's token signs the section, so it mutes only that.
 */
@Injectable()
export class SectionMuteService {
  constructor(
    private readonly subscribers: SubscribersService,
    private readonly repo: SubscriberRepository,
    private readonly topics: TopicsService,
  ) {}

  /** What the link would mute; changes nothing (mail scanners fetch every link). */
  async view(token: string): Promise<MuteState> {
    const { subscriber, claims } = await this.subscribers.resolve(token, 'mute');
    return { subscriber, label: await this.labelOf(subscriber, claims.ref ?? '') };
  }

  /** Mutes the section; muting it again is harmless. */
  async mute(token: string): Promise<MuteState> {
    const { subscriber, claims } = await this.subscribers.resolve(token, 'mute');
    const ref = claims.ref ?? '';
    const label = await this.labelOf(subscriber, ref);
    if (label === null) return { subscriber, label };
    if (ref.startsWith('t-')) {
      const topics = subscriber.topics.filter((t) => t !== ref.slice(2));
      await this.repo.update(subscriber.id, { topics });
      return { subscriber: { ...subscriber, topics }, label };
    }
    const rest = splitKeywordQueries(subscriber.keywords ?? '').filter((k) => sectionRef({ kind: 'keyword', key: k }) !== ref);
    const keywords = rest.length ? rest.join(', ') : null;
    await this.repo.update(subscriber.id, { keywords });
    return { subscriber: { ...subscriber, keywords }, label };
  }

  private async labelOf(s: Subscriber, ref: string): Promise<string | null> {
    if (ref.startsWith('t-')) {
      const slug = ref.slice(2);
      if (!s.topics.includes(slug)) return null;
      return (await this.topics.list()).find((t) => t.slug === slug)?.name ?? slug;
    }
    const query = splitKeywordQueries(s.keywords ?? '').find((k) => sectionRef({ kind: 'keyword', key: k }) === ref);
    return query === undefined ? null : plainWords(query) || query;
  }
}
