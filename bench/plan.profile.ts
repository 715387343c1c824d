// Where planning's time goes: `plan.profile DATABASE_URL REDIS_URL VAR_DIR` runs one scheduled tick
// like plan.child.ts, with the wall time of each phase (read due readers, claim, settle, enqueue) summed.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module.js';
import { PinoLogger } from '../src/common/pino.logger.js';
import { loadConfig } from '../src/config/config.loader.js';
import { DigestService } from '../src/digests/digest.service.js';
import { peakRssMb } from './child.js';

const [databaseUrl, redisUrl, varDir, ...phases] = process.argv.slice(2);
const config = loadConfig({
  ...process.env,
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  VAR_DIR: varDir,
  MAIL_TRANSPORT: 'smtp://127.0.0.1:1',
  LOG_LEVEL: 'warn',
});
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'cli'), { logger: new PinoLogger('warn', 2) });
const spent: Record<string, number> = {};
for (const spec of phases) {
  const cls = spec.slice(0, spec.lastIndexOf('.'));
  const method = spec.slice(spec.lastIndexOf('.') + 1);
  const mod = Object.values(await import(`../src/digests/${cls}.js`)).find((v) => typeof v === 'function' && v.prototype?.[method]) as {
    prototype: Record<string, (...a: unknown[]) => Promise<unknown>>;
  };
  const instance = app.get(mod as never) as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const original = instance[method].bind(instance);
  instance[method] = async (...args: unknown[]) => {
    const t = performance.now();
    try {
      return await original(...args);
    } finally {
      spent[spec] = (spent[spec] ?? 0) + (performance.now() - t) / 1000;
    }
  };
}
const started = performance.now();
const summary = await app.get(DigestService).run({}, 'schedule');
const seconds = (performance.now() - started) / 1000;
await app.close();
process.stdout.write(JSON.stringify({ ...summary, seconds, spent, peakRssMb: peakRssMb() }) + '\n');
