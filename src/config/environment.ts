import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * The environment every entry point (serve, worker, each CLI command) configures itself from: the process's
 * variables over those of a `.env` file in the working directory, when there is one. Read once, at start-up.
 */
export function environment(dir: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = resolve(dir, '.env');
  if (!existsSync(file)) return env;
  // Variables already in the environment win, as with `node --env-file` and dotenv.
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}
