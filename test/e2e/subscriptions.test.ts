import { startApp } from '../support/app.js';
import { describeSubscriptions } from '../flows/subscriptions.flow.js';

describeSubscriptions(startApp);
