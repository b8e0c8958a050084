/**
 * Config loading as redis-server does it: command-line to config text (main()), file +
 * stdin + options (loadServerConfig), line rules and FATAL errors (loadServerConfigFromString).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ConfigFileError,
  FatalConfigError,
  loadConfig,
  parseCommandLine,
  parseConfigText,
  quoteArg,
} from '../../src/config/load.js';

const files = (map: Record<string, string>) => (p: string): string => {
  const text = map[p];
  if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  return text;
};

function fatal(fn: () => unknown): FatalConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FatalConfigError) return e;
    throw e;
  }
  assert.fail('expected a FatalConfigError');
}

describe('parseCommandLine', () => {
  test('config file, options, values quoted with sdscatrepr', () => {
    const cli = parseCommandLine(['/etc/r.conf', '--port', '7000', '--save', '900 1', '--bind', '127.0.0.1', '::1']);
    assert.equal(cli.configFile, '/etc/r.conf');
    assert.equal(cli.optionsText, 'port "7000" \nsave "900 1" \nbind "127.0.0.1" "::1" ');
  });

  test('--version, --help, stdin', () => {
    assert.equal(parseCommandLine(['-v']).version, true);
    assert.equal(parseCommandLine(['--version']).version, true);
    assert.equal(parseCommandLine(['-h']).help, true);
    assert.equal(parseCommandLine(['--help']).help, true);
    assert.equal(parseCommandLine(['-']).stdin, true);
    assert.equal(parseCommandLine(['/x.conf', '--port', '1', '-']).stdin, true);
    // "-" in the middle is a value.
    assert.equal(parseCommandLine(['--port', '-', '--bind', 'x']).optionsText, 'port "-" \nbind "x" ');
  });

  test('an option with no value yet takes the next argument, even "--x"', () => {
    assert.equal(parseCommandLine(['--port', '--foo']).optionsText, 'port "--foo" ');
    assert.equal(parseCommandLine(['--port 6380', '--bind', 'x']).optionsText, 'port 6380 \nbind "x" ');
  });

  test('--save followed by an option or nothing means save ""', () => {
    assert.equal(parseCommandLine(['--save', '--port', '1']).optionsText, 'save ""\nport "1" ');
    assert.equal(parseCommandLine(['--port', '1', '--save']).optionsText, 'port "1" \nsave ""');
  });

  test('quoteArg escapes like sdscatrepr', () => {
    assert.equal(quoteArg('a"b\\c\n\r\t\x07\b\x00\xff'), '"a\\"b\\\\c\\n\\r\\t\\a\\b\\x00\\xff"');
    assert.equal(quoteArg(''), '""');
  });
});

describe('loadConfig', () => {
  test('file, then stdin, then options; later lines win', () => {
    const cli = parseCommandLine(['/r.conf', '--maxclients', '77', '-']);
    const config = loadConfig(cli, files({ '/r.conf': 'port 7001\nmaxclients 5\n' }), () => 'timeout 9\n');
    assert.equal(config.num('port'), 7001);
    assert.equal(config.num('maxclients'), 77);
    assert.equal(config.num('timeout'), 9);
  });

  test('options start at file lines + 2 (the "\\n" joining them), as Redis numbers them', () => {
    const cli = parseCommandLine(['/r.conf', '--port', 'x']);
    // "# one\n# two" + "\n" + "port ..." -> line 3; with the file's final newline -> line 4.
    assert.equal(fatal(() => loadConfig(cli, files({ '/r.conf': '# one\n# two' }))).lineNo, 3);
    assert.equal(fatal(() => loadConfig(cli, files({ '/r.conf': '# one\n# two\n' }))).lineNo, 4);
    const noFile = fatal(() => loadConfig(parseCommandLine(['--port', 'x'])));
    assert.equal(noFile.lineNo, 2);
    assert.equal(
      noFile.message,
      `\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nReading the configuration file, at line 2\n>>> 'port "x"'\nargument couldn't be parsed into an integer`,
    );
  });

  test('errors: unknown directive, wrong arity, quotes', () => {
    assert.equal(fatal(() => loadConfig(parseCommandLine(['--foo', 'bar']))).reason, 'Bad directive or wrong number of arguments');
    assert.equal(fatal(() => loadConfig(parseCommandLine(['--port', '1', '2']))).reason, 'wrong number of arguments');
    assert.equal(fatal(() => parseConfigText('port "1')).reason, 'Unbalanced quotes in configuration line');
    assert.equal(fatal(() => parseConfigText('port "1"x')).reason, 'Unbalanced quotes in configuration line');
    assert.equal(fatal(() => loadConfig(parseCommandLine(['--unixsocketperm', '8']))).reason, "argument couldn't be parsed as an octal number");
  });

  test('comments, blank lines, indentation, case-insensitive names, deprecated directives', () => {
    const text = '# comment\n\n   PORT 7002   \r\n\tlist-max-ziplist-entries 128\nmaxclients "12"\n';
    const config = loadConfig(parseCommandLine(['/r.conf']), files({ '/r.conf': text }));
    assert.equal(config.num('port'), 7002);
    assert.equal(config.num('maxclients'), 12);
  });

  test('multi-value directives take one quoted argument or several', () => {
    const a = loadConfig(parseCommandLine(['--bind', '127.0.0.1 -::1']));
    const b = loadConfig(parseCommandLine(['--bind', '127.0.0.1', '-::1']));
    assert.equal(a.get('bind'), '127.0.0.1 -::1');
    assert.equal(b.get('bind'), '127.0.0.1 -::1');
  });

  test('unixsocketperm is octal', () => {
    assert.equal(loadConfig(parseCommandLine(['--unixsocketperm', '700'])).num('unixsocketperm'), 0o700);
  });

  test('include, nested, and a wildcard that matches nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nodis-conf-'));
    try {
      writeFileSync(path.join(dir, 'a.conf'), `port 7003\ninclude ${path.join(dir, 'b.conf')}\n`);
      writeFileSync(path.join(dir, 'b.conf'), 'maxclients 33\n');
      writeFileSync(path.join(dir, 'x-1.conf'), 'timeout 4\n');
      writeFileSync(path.join(dir, 'x-2.conf'), 'timeout 5\n');
      const main = `include ${path.join(dir, 'a.conf')}\ninclude ${path.join(dir, 'x-*.conf')}\ninclude ${path.join(dir, 'none-*.conf')}\n`;
      writeFileSync(path.join(dir, 'main.conf'), main);
      const config = loadConfig(parseCommandLine([path.join(dir, 'main.conf')]));
      assert.equal(config.num('port'), 7003);
      assert.equal(config.num('maxclients'), 33);
      assert.equal(config.num('timeout'), 5);
      // A missing plain include is fatal, with Redis's message.
      writeFileSync(path.join(dir, 'bad.conf'), `include ${path.join(dir, 'missing.conf')}\n`);
      assert.throws(() => loadConfig(parseCommandLine([path.join(dir, 'bad.conf')])), (e: unknown) => {
        assert.ok(e instanceof ConfigFileError);
        assert.equal(e.message, `Fatal error, can't open config file '${path.join(dir, 'missing.conf')}': No such file or directory`);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing config file', () => {
    assert.throws(() => loadConfig(parseCommandLine(['/nonexistent/r.conf'])), {
      message: "Fatal error, can't open config file '/nonexistent/r.conf': No such file or directory",
    });
  });

  test('an unwritable logfile is fatal at load time', () => {
    const e = fatal(() => loadConfig(parseCommandLine(['--logfile', '/nonexistent/dir/x.log'])));
    assert.equal(e.lineNo, null);
    assert.equal(e.message, '\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nCan\'t open the log file: No such file or directory');
  });
});
