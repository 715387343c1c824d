// The ingest baseline of issue 16: read a JSON-lines file and JSON.parse every line, nothing else.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

let lines = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })) {
  if (line) {
    JSON.parse(line);
    lines++;
  }
}
process.stdout.write(JSON.stringify({ lines }) + '\n');
