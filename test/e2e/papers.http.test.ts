import { startApp } from '../support/app.js';
import { describeFirstStart } from '../flows/papers-http.flow.js';

describeFirstStart(startApp);
