import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import bcrypt from 'bcryptjs';
import { createAuthenticator, parseHtpasswd } from './auth.js';

const req = (user: string, password: string) =>
  ({ headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }, socket: {} }) as unknown as IncomingMessage;

test('htpasswd: bcrypt $2y$/$2a$/$2b$ and {SHA} entries verify; wrong passwords do not', async () => {
  const h = bcrypt.hashSync('s3cret', 4);
  const text = [
    '# comment',
    `a:${h.replace(/^\$2.\$/, '$2y$')}`,
    `b:${h.replace(/^\$2.\$/, '$2a$')}`,
    `c:${h.replace(/^\$2.\$/, '$2b$')}`,
    'd:{SHA}' + 'W6ph5Mm5Pz8GgiULbPgzG37mj9g=', // "password"
    '',
  ].join('\n');
  const users = parseHtpasswd(text);
  for (const u of ['a', 'b', 'c']) {
    assert.equal(await users.get(u)!('s3cret'), true, u);
    assert.equal(await users.get(u)!('nope'), false, u);
  }
  assert.equal(await users.get('d')!('password'), true);
  assert.equal(await users.get('d')!('x'), false);
});

test('htpasswd: MD5, plain and malformed entries are refused with a clear message', () => {
  assert.throws(() => parseHtpasswd('u:$apr1$abc$def\n'), /MD5 \(\$apr1\$\) passwords are not supported, only bcrypt/);
  assert.throws(() => parseHtpasswd('u:plain\n'), /only bcrypt \(htpasswd -B\) or \{SHA\}/);
  assert.throws(() => parseHtpasswd('u:$2y$05$short\n'), /malformed bcrypt hash/);
  assert.throws(() => parseHtpasswd('nocolon\n'), /line 1/);
});

test('basic auth: a successful bcrypt check is cached, failures are not', async () => {
  let calls = 0;
  const hash = bcrypt.hashSync('pw', 4);
  const verify = (p: string) => {
    calls++;
    return bcrypt.compare(p, hash);
  };
  const auth = createAuthenticator({ mode: 'basic', users: new Map([['u', verify]]) });
  await Promise.all([auth.check(req('u', 'pw'), undefined), auth.check(req('u', 'pw'), undefined)]);
  assert.equal(calls, 1, 'parallel checks share one compare');
  await auth.check(req('u', 'pw'), undefined);
  assert.equal(calls, 1, 'second check served from the cache');
  await assert.rejects(auth.check(req('u', 'bad'), undefined), { code: 'UNAUTHORIZED' });
  await assert.rejects(auth.check(req('u', 'bad'), undefined), { code: 'UNAUTHORIZED' });
  assert.equal(calls, 3, 'failures are checked every time');
  await assert.rejects(auth.check(req('nobody', 'pw'), undefined), { code: 'UNAUTHORIZED' });
  const uncached = createAuthenticator({ mode: 'basic', users: new Map([['u', verify]]), cacheMs: 0 });
  await uncached.check(req('u', 'pw'), undefined);
  await uncached.check(req('u', 'pw'), undefined);
  assert.equal(calls, 5);
});
