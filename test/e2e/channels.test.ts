import { startApp } from '../support/app.js';
import { describeChannels } from '../flows/channels.flow.js';

describeChannels(startApp);
