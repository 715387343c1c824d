import { startApp } from '../support/app.js';
import { describeDailyDigest } from '../flows/digest.flow.js';

describeDailyDigest(startApp);
