import { DigestDelivery } from '../digests/digest-delivery.entity.js';
import { DigestRun } from '../digests/digest-run.entity.js';
import { FeedbackVote } from '../feedback/feedback-vote.entity.js';
import { Paper } from '../papers/paper.entity.js';
import { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberTopic } from '../subscribers/subscriber-topic.entity.js';
import { Suppression } from '../subscribers/suppression.entity.js';
import { PaperTopic } from '../topics/paper-topic.entity.js';
import { Topic } from '../topics/topic.entity.js';
import { Meta } from './meta.entity.js';

/** Every entity, listed as classes (see migrations/index.ts for why not globs). */
export const ENTITIES = [Paper, Topic, PaperTopic, Meta, Subscriber, SubscriberTopic, Suppression, DigestRun, DigestDelivery, FeedbackVote];
