// COMMAND GETKEYS / GETKEYSANDFLAGS / COUNT-adjacent errors and CLIENT argument errors.
import { diffSuite, diffTest } from '../helpers/differential.js';

diffSuite('COMMAND and CLIENT argument handling', (env) => {
  diffTest(env, 'COMMAND GETKEYS and GETKEYSANDFLAGS', async (b) => {
    await b.do('COMMAND', 'GETKEYS', 'SET', 'a', 'b');
    await b.do('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2');
    await b.do('COMMAND', 'GETKEYS', 'LMOVE', 'src', 'dst', 'LEFT', 'RIGHT');
    await b.do('COMMAND', 'GETKEYS', 'ZUNIONSTORE', 'd', '2', 'x', 'y');
    await b.do('COMMAND', 'GETKEYSANDFLAGS', 'LMOVE', 'src', 'dst', 'LEFT', 'RIGHT');
    // COMMAND GETKEYS PING: 7.2 has arity -3 ("The command has no key arguments"), the 7.0 oracle -4; not compared.
    await b.do('COMMAND', 'GETKEYS', 'NOSUCH', 'a');
    // COMMAND GETKEYS GET: same 7.0/7.2 arity difference (7.2: "Invalid number of arguments specified for command").
    await b.do('COMMAND', 'INFO', 'get', 'nosuch', 'incr', 'set', 'getex', 'sort');
  });
  diffTest(env, 'CLIENT argument errors', async (b) => {
    await b.do('CLIENT', 'SETNAME', 'has space');
    await b.do('CLIENT', 'SETNAME', 'ok-name');
    await b.do('CLIENT', 'GETNAME');
    await b.do('CLIENT', 'KILL', '1.2.3.4:5');
    await b.do('CLIENT', 'KILL', 'ID', 'abc');
    await b.do('CLIENT', 'KILL', 'TYPE', 'nosuch');
    await b.do('CLIENT', 'KILL', 'ID', '999999');
    await b.do('CLIENT', 'LIST', 'TYPE', 'nosuch');
    await b.do('CLIENT', 'REPLY', 'MAYBE');
    await b.do('CLIENT', 'NO-EVICT', 'maybe');
  });
});
