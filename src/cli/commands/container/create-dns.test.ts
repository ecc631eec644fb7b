import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIp, localhostDnsWarning, validDns, validDnsSearch, validExtraHosts, validLinks } from './create-dns.js';

test('--dns: canonical addresses, docker errors', () => {
  assert.deepEqual(validDns([' 1.1.1.1', '0:0:0:0:0:0:0:1', '::ffff:1.2.3.4', 'FD00::0:1']), ['1.1.1.1', '::1', '1.2.3.4', 'fd00::1']);
  assert.throws(() => validDns(['notanip']), /^UsageError: invalid argument "notanip" for "--dns" flag: IP address is not correctly formatted: notanip$/);
  assert.equal(canonicalIp('010.0.0.1'), undefined);
  assert.equal(canonicalIp('fe80::1%eth0'), undefined);
  assert.equal(localhostDnsWarning(['1.1.1.1', '127.0.0.53', '::1']), 'WARNING: Localhost DNS (127.0.0.53) may fail in containers.');
  assert.equal(localhostDnsWarning(['1.1.1.1']), undefined);
});

test('--dns-search domains', () => {
  assert.deepEqual(validDnsSearch(['.', 'example.com.', ' a.b ']), ['.', 'example.com', 'a.b']);
  for (const bad of ['-bad', 'a_b', 'a..b', '123']) assert.throws(() => validDnsSearch([bad]), new RegExp(`flag: ${bad.replace(/\./g, '\\.')} is not a valid domain$`));
});

test('--add-host and --link', () => {
  assert.deepEqual(validExtraHosts(['h=1.2.3.4', 'h:[::1]', 'g:host-gateway', 'x:0:0:0:0:0:0:0:1']), ['h:1.2.3.4', 'h:::1', 'g:host-gateway', 'x:0:0:0:0:0:0:0:1']);
  assert.throws(() => validExtraHosts(['bad']), /flag: bad format for add-host: "bad"$/);
  assert.throws(() => validExtraHosts([':1.2.3.4']), /bad format for add-host: ":1.2.3.4"/);
  assert.throws(() => validExtraHosts(['a:b:1.2.3.4']), /invalid IP address in add-host: "b:1.2.3.4"/);
  assert.deepEqual(validLinks(['a', 'a:b', '/a:/c/b']), ['a', 'a:b', '/a:/c/b']);
  assert.throws(() => validLinks(['a:b:c']), /^UsageError: invalid argument "a:b:c" for "--link" flag: bad format for links: a:b:c$/);
  assert.throws(() => validLinks(['']), /empty string specified for links/);
});
