// Loaded with `node --import` into a command under measurement: on exit it appends the process's
// peak RSS (MB) to BENCH_RSS_FILE, since a parent cannot read a child's peak by itself.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => appendFileSync(file, `${Math.round(process.resourceUsage().maxRSS / 1024)}\n`));
