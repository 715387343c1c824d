import { describeMailEvents } from '../flows/mail-events.flow.js';

describeMailEvents('sqlite');
