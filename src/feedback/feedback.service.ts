import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors.js';
import type { Subscriber } from '../subscribers/subscriber.entity.js';
import { INVALID_LINK_MESSAGE, SubscribersService } from '../subscribers/subscribers.service.js';
import { FeedbackRepository, type VoteView } from './feedback.repository.js';

export interface FeedbackState {
  subscriber: Subscriber;
  paper: { id: number; title: string; url: string | null };
  /** What the link asks for. */
  vote: 'more' | 'less';
  /** The reader's vote on this paper now (after a POST: the one just recorded). */
  current: 'more' | 'less' | null;
}

const REF = /^([ml])([1-9]\d{0,11})$/;

/**
 * "More like this" / "less like this" from a digest. The link's token signs reader, paper and
 * vote. Reading it (a GET, or a mail scanner's prefetch) changes nothing; only the page's button
 * (a POST) records, and recording twice is the same as once.
 */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly subscribers: SubscribersService,
    private readonly votes: FeedbackRepository,
  ) {}

  async view(token: string): Promise<FeedbackState> {
    const { subscriber, paperId, vote } = await this.resolve(token);
    return this.state(subscriber, paperId, vote);
  }

  async record(token: string, now = new Date()): Promise<FeedbackState> {
    const { subscriber, paperId, vote } = await this.resolve(token);
    await this.votes.record(subscriber.id, paperId, vote === 'more' ? 1 : -1, now);
    await this.votes.profileOf(subscriber, now); // the reader's model, built now rather than at their next digest
    return this.state(subscriber, paperId, vote);
  }

  list(subscriber: Pick<Subscriber, 'id'>): Promise<VoteView[]> {
    return this.votes.list(subscriber.id);
  }

  /** Undoes one vote (from the preferences page); undoing a vote that is not there is harmless. */
  async undo(subscriber: Pick<Subscriber, 'id' | 'likes' | 'authors'>, paperId: number): Promise<void> {
    if (await this.votes.remove(subscriber.id, paperId)) await this.votes.profileOf(subscriber);
  }

  private async resolve(token: string): Promise<{ subscriber: Subscriber; paperId: number; vote: 'more' | 'less' }> {
    const { subscriber, claims } = await this.subscribers.resolve(token, 'feedback');
    const m = REF.exec(claims.ref ?? '');
    if (!m) throw new NotFoundError(INVALID_LINK_MESSAGE);
    return { subscriber, paperId: Number(m[2]), vote: m[1] === 'm' ? 'more' : 'less' };
  }

  private async state(subscriber: Subscriber, paperId: number, vote: 'more' | 'less'): Promise<FeedbackState> {
    const paper = await this.votes.paperCard(paperId);
    if (!paper) throw new NotFoundError('this paper is no longer in Paperboy');
    const current = await this.votes.current(subscriber.id, paperId);
    const url = paper.arxivId && !paper.arxivId.startsWith('t:') ? `https://arxiv.org/abs/${paper.arxivId}` : paper.arxivUrl;
    return { subscriber, paper: { id: paper.id, title: paper.title, url }, vote, current: current ? (current.vote > 0 ? 'more' : 'less') : null };
  }
}
