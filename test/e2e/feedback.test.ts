import { describeFeedback } from '../flows/feedback.flow.js';
import { startApp } from '../support/app.js';

describeFeedback(startApp);
