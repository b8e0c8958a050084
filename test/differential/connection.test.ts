import { diffSuite, diffTest } from '../helpers/differential.js';

diffSuite('connection', (env) => {
  diffTest(env, 'PING and ECHO', async (b) => {
    await b.do('PING');
    await b.do('PING', 'hello');
    await b.do('ping', 'a', 'b');
    await b.do('ECHO', 'bin\x00\xff\r\nary');
    await b.do('ECHO');
  });

  diffTest(env, 'unknown commands and arity errors', async (b) => {
    await b.do('NOSUCHCOMMAND', 'a', 'b');
    await b.do('NOSUCHCOMMAND');
    await b.do('nosuch', 'x'.repeat(300));
    await b.do('GET');
    await b.do('GET', 'a', 'b');
  });

  diffTest(env, 'SELECT', async (b) => {
    await b.do('SELECT', 1);
    await b.do('SELECT', 16);
    await b.do('SELECT', -1);
    await b.do('SELECT', 'x');
    await b.do('SELECT', '2147483648');
  });

  diffTest(env, 'AUTH without a password configured', async (b) => {
    await b.do('AUTH', 'x');
    await b.do('AUTH', 'default', 'x');
    await b.do('AUTH', 'someone', 'x');
    await b.do('AUTH', 'a', 'b', 'c');
  });

  diffTest(env, 'HELLO errors', async (b) => {
    await b.do('HELLO', 4);
    await b.do('HELLO', 'x');
    await b.do('HELLO', 3, 'FOO');
    await b.do('HELLO', 3, 'SETNAME', 'bad name');
    await b.do('HELLO', 2, 'AUTH', 'default');
  });
});
