import { startApp } from '../support/app.js';
import { describeTrustDigests } from '../flows/trust-digest.flow.js';

describeTrustDigests(startApp);
