import { describeTrustDigests } from '../flows/trust-digest.flow.js';
import { describePaperIdentity } from '../flows/trust-identity.flow.js';
import { startAppOnPostgres } from '../support/app.js';
import { postgresAdminUrl } from '../support/postgres.js';

// Without a server this suite fails here rather than skipping: CI sets TEST_DATABASE_URL (.ci/run).
postgresAdminUrl();

describePaperIdentity(startAppOnPostgres);
describeTrustDigests(startAppOnPostgres);
