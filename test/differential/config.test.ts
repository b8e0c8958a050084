// Extra CONFIG cases: several patterns, aliases, octal display, REWRITE without a file.
import { diffSuite, diffTest } from '../helpers/differential.js';

diffSuite('CONFIG GET patterns, aliases and REWRITE', (env) => {
  diffTest(env, 'CONFIG GET several patterns and aliases', async (b) => {
    await b.doSorted('CONFIG', 'GET', 'maxmemory', 'maxmemory-policy', 'maxmemory');
    await b.doSorted('CONFIG', 'GET', 'slave-read-only');
    await b.doSorted('CONFIG', 'GET', 'replica-read-only', 'slave-read-only');
    await b.do('CONFIG', 'GET', 'unixsocketperm');
    await b.do('CONFIG', 'GET', 'list-max-ziplist-size');
    await b.do('CONFIG', 'SET', 'list-max-ziplist-size', '-3');
    await b.do('CONFIG', 'GET', 'list-max-listpack-size');
    await b.do('CONFIG', 'SET', 'list-max-listpack-size', '-2');
  });
  diffTest(env, 'CONFIG REWRITE without a config file', async (b) => {
    await b.do('CONFIG', 'REWRITE');
    await b.do('CONFIG', 'REWRITE', 'x');
  });
});
