import assert from 'node:assert/strict';
import { diffSuite, diffTest, type Both } from '../helpers/differential.js';

/** The next unsolicited message on both subscribers must be byte-identical. */
async function next(b: Both): Promise<string> {
  const [ours, theirs] = await Promise.all([b.nodis.read(), b.redis.read()]);
  assert.equal(ours, theirs, 'pushed message mismatch');
  return ours;
}

diffSuite('pubsub', (env) => {
  diffTest(env, 'SUBSCRIBE, PUBLISH, UNSUBSCRIBE replies and counts', async (sub, resp) => {
    const pub = await env.both(resp);
    await sub.do('UNSUBSCRIBE');
    await sub.do('PUNSUBSCRIBE');
    await sub.do('SUBSCRIBE', 'a', 'b', 'a');
    await sub.do('PSUBSCRIBE', 'h?llo', 'n*');
    await pub.do('PUBLISH', 'a', 'one');
    await next(sub);
    await pub.do('PUBLISH', 'news', 'two');
    await next(sub);
    await pub.do('PUBLISH', 'hello', 'three');
    await next(sub);
    await pub.do('PUBLISH', 'nobody', 'x');
    await next(sub);
    await pub.do('PUBLISH', 'zzz', 'x');
    await pub.do('PUBSUB', 'NUMSUB', 'a', 'b', 'c');
    await pub.do('PUBSUB', 'NUMPAT');
    await pub.doSorted('PUBSUB', 'CHANNELS');
    await pub.doSorted('PUBSUB', 'CHANNELS', 'a*');
    await sub.do('UNSUBSCRIBE', 'a');
    await sub.do('PUNSUBSCRIBE');
    await sub.do('UNSUBSCRIBE');
    await sub.do('PING');
    pub.close();
  });

  diffTest(env, 'a channel and a pattern that both match deliver both, in publish order', async (sub, resp) => {
    const pub = await env.both(resp);
    await sub.do('SUBSCRIBE', 'chat');
    await sub.do('PSUBSCRIBE', 'ch*');
    await pub.do('PUBLISH', 'chat', 'm1');
    await pub.do('PUBLISH', 'chat', 'm2');
    for (let i = 0; i < 4; i++) await next(sub);
    pub.close();
  });

  diffTest(env, 'RESP2 subscribed context refuses other commands; RESET leaves it', async (sub) => {
    await sub.do('SUBSCRIBE', 'x');
    await sub.do('GET', 'k');
    await sub.do('PING');
    await sub.do('PING', 'hi');
    await sub.do('RESET');
    await sub.do('GET', 'k');
  }, [2]);

  diffTest(env, 'RESP3 subscriber may run any command', async (sub) => {
    await sub.do('SUBSCRIBE', 'x');
    await sub.do('SET', 'k', 'v');
    await sub.do('GET', 'k');
    await sub.do('PING');
  }, [3]);

  diffTest(env, 'sharded channels', async (sub, resp) => {
    const pub = await env.both(resp);
    await sub.do('SUNSUBSCRIBE');
    await sub.do('SSUBSCRIBE', 's1', 's2');
    await pub.do('SPUBLISH', 's1', 'hey');
    await next(sub);
    await pub.do('PUBLISH', 's1', 'not-shard');
    await pub.do('PUBSUB', 'SHARDNUMSUB', 's1', 'zz');
    await pub.doSorted('PUBSUB', 'SHARDCHANNELS');
    await sub.do('SUNSUBSCRIBE', 's1');
    await sub.do('SUNSUBSCRIBE');
    pub.close();
  });

  diffTest(env, 'PUBSUB HELP', async (b) => {
    await b.do('PUBSUB', 'HELP');
  });
});
