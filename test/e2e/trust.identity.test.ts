import { startApp } from '../support/app.js';
import { describePaperIdentity } from '../flows/trust-identity.flow.js';

describePaperIdentity(startApp);
