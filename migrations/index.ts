import { PapersAndTopics1764201600000 } from './1764201600000-papers-and-topics.js';
import { Subscribers1764201700000 } from './1764201700000-subscribers.js';
import { Digests1764201800000 } from './1764201800000-digests.js';
import { AdminSessions1764310000000 } from './1764310000000-admin-sessions.js';
import { Integrations1764330000000 } from './1764330000000-integrations.js';
import { Trust1764350000000 } from './1764350000000-trust.js';
import { SubscriberTopics1764400000000 } from './1764400000000-subscriber-topics.js';
import { Feedback1764410000000 } from './1764410000000-feedback.js';
import { WindowEnds1764420000000 } from './1764420000000-window-ends.js';
import { NextDue1764550000000 } from './1764550000000-next-due.js';
import { PaperTopicsCovering1764550000001 } from './1764550000001-paper-topics-covering.js';
import { ReaderModels1764560000000 } from './1764560000000-reader-models.js';
import { RunRanges1764570000000 } from './1764570000000-run-ranges.js';

/** Every migration, in order. Listed as classes, not globs: globs differ between .ts under jest and .js in dist/. */
export const MIGRATIONS = [
  PapersAndTopics1764201600000,
  Subscribers1764201700000,
  Digests1764201800000,
  AdminSessions1764310000000,
  Integrations1764330000000,
  Trust1764350000000,
  SubscriberTopics1764400000000,
  Feedback1764410000000,
  WindowEnds1764420000000,
  NextDue1764550000000,
  PaperTopicsCovering1764550000001,
  ReaderModels1764560000000,
  RunRanges1764570000000,
];
