// Loaded with `node --import` (NODE_OPTIONS) into a process under test: appends the location of every
// module it loads, ES modules and CommonJS alike, to the file MODULE_LOG names, one a line, so a test
// can assert what a command loaded.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const file = process.env.MODULE_LOG;
if (file) {
  register(
    `data:text/javascript,${encodeURIComponent(`import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(file)}, url + '\\n');
  return next(url, context);
}`)}`,
  );
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    let where = request;
    try {
      where = Module._resolveFilename(request, parent, isMain);
    } catch {
      // a request that does not resolve fails in the real load below
    }
    appendFileSync(file, `${where}\n`);
    return load.call(this, request, parent, isMain);
  };
}
