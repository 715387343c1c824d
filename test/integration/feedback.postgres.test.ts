import { describeFeedback } from '../flows/feedback.flow.js';
import { startAppOnPostgres } from '../support/app.js';
import { postgresAdminUrl } from '../support/postgres.js';

// Without a server this suite fails here rather than skipping: CI sets TEST_DATABASE_URL (.ci/run).
postgresAdminUrl();

describeFeedback(startAppOnPostgres);
