import { startApp } from '../support/app.js';
import { describeDeliveryFaults } from '../flows/digest-faults.flow.js';

describeDeliveryFaults(startApp);
