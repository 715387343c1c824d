import { sqliteCliDatabase } from '../support/db.js';
import { describeIngestCli } from '../flows/ingest-cli.flow.js';

describeIngestCli(sqliteCliDatabase);
