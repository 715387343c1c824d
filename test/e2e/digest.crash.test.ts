import { startApp } from '../support/app.js';
import { describeCrashResume } from '../flows/digest-crash.flow.js';

describeCrashResume(startApp);
