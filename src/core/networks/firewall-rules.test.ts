import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../lib/exec.js';
import { isIPv4, renderDestroy, renderFirewall } from './firewall-rules.js';
import type { FirewallState } from './parts.js';

const full: FirewallState = {
  networks: [
    { bridge: 'pier0', subnet: '172.17.0.0/16', internal: false, masquerade: true, icc: true },
    { bridge: 'br-0123456789ab', subnet: '172.18.0.0/16', internal: false, masquerade: true, icc: false },
    { bridge: 'br-internal01', subnet: '172.19.0.0/16', internal: true, masquerade: true, icc: true },
    { bridge: 'br-nomasq0001', subnet: '172.20.0.0/16', internal: false, masquerade: false, icc: true },
  ],
  ports: [
    { proto: 'tcp', hostIp: '', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80, bridge: 'pier0' },
    { proto: 'udp', hostIp: '127.0.0.1', hostPort: 5353, containerIp: '172.17.0.2', containerPort: 53, bridge: 'pier0' },
    { proto: 'sctp', hostIp: '0.0.0.0', hostPort: 9000, containerIp: '172.18.0.2', containerPort: 9000, bridge: 'br-0123456789ab' },
    { proto: 'tcp', hostIp: '::1', hostPort: 8081, containerIp: '172.17.0.2', containerPort: 80, bridge: 'pier0' },
    { proto: 'tcp', hostIp: '', hostPort: 8082, containerIp: '172.19.0.2', containerPort: 80, bridge: 'br-internal01' },
  ],
  dnsRedirects: [{ bridge: 'br-0123456789ab', ip: '172.18.0.1', port: 40000 }],
};

const fullText = `table ip pier-0a1b2c3d {}
delete table ip pier-0a1b2c3d
table ip pier-0a1b2c3d {
	chain localnet {
		type filter hook prerouting priority raw; policy accept;
		iifname { "pier0", "br-0123456789ab", "br-internal01", "br-nomasq0001" } ip daddr 127.0.0.0/8 drop
	}
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "br-0123456789ab" ip daddr 172.18.0.1 udp dport 53 dnat to 172.18.0.1:40000
		iifname "br-0123456789ab" ip daddr 172.18.0.1 tcp dport 53 dnat to 172.18.0.1:40000
		fib daddr type local jump published
	}
	chain output {
		type nat hook output priority -100; policy accept;
		fib daddr type local jump published
	}
	chain published {
		tcp dport 8080 counter dnat to 172.17.0.2:80
		ip daddr 127.0.0.1 udp dport 5353 counter dnat to 172.17.0.2:53
		sctp dport 9000 counter dnat to 172.18.0.2:9000
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "pier0" ct status dnat ip saddr { 127.0.0.0/8, 172.17.0.0/16 } counter masquerade
		oifname "br-0123456789ab" ct status dnat ip saddr { 127.0.0.0/8, 172.18.0.0/16 } counter masquerade
		oifname "br-nomasq0001" ct status dnat ip saddr { 127.0.0.0/8, 172.20.0.0/16 } counter masquerade
		ip saddr 172.17.0.0/16 oifname != "pier0" counter masquerade
		ip saddr 172.18.0.0/16 oifname != "br-0123456789ab" counter masquerade
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "br-internal01" oifname != "br-internal01" drop
		oifname "br-internal01" iifname != "br-internal01" drop
		ct status dnat accept
		iifname "pier0" oifname { "br-0123456789ab", "br-internal01", "br-nomasq0001" } drop
		iifname "br-0123456789ab" oifname { "pier0", "br-internal01", "br-nomasq0001" } drop
		iifname "br-internal01" oifname { "pier0", "br-0123456789ab", "br-nomasq0001" } drop
		iifname "br-nomasq0001" oifname { "pier0", "br-0123456789ab", "br-internal01" } drop
		iifname "br-0123456789ab" oifname "br-0123456789ab" drop
	}
}
`;

const emptyText = `table ip pier-0a1b2c3d {}
delete table ip pier-0a1b2c3d
table ip pier-0a1b2c3d {
	chain localnet {
		type filter hook prerouting priority raw; policy accept;
	}
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		fib daddr type local jump published
	}
	chain output {
		type nat hook output priority -100; policy accept;
		fib daddr type local jump published
	}
	chain published {
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		ct status dnat accept
	}
}
`;

const twoBridges: FirewallState = {
  networks: [
    { bridge: 'pier0', subnet: '172.17.0.0/16', internal: false, masquerade: true, icc: true },
    { bridge: 'br-aa', subnet: '10.1.0.0/24', internal: false, masquerade: true, icc: true },
  ],
  ports: [],
  dnsRedirects: [],
};

test('full state renders the expected script (snapshot)', () => {
  assert.equal(renderFirewall('pier-0a1b2c3d', full), fullText);
});

test('empty state renders the bare chains', () => {
  assert.equal(renderFirewall('pier-0a1b2c3d', { networks: [], ports: [], dnsRedirects: [] }), emptyText);
});

test('two bridges isolate each other with single-name matches', () => {
  const text = renderFirewall('pier-x', twoBridges);
  assert.match(text, /\t\tiifname "pier0" oifname "br-aa" drop\n\t\tiifname "br-aa" oifname "pier0" drop\n/);
  assert.match(text, /\t\tiifname \{ "pier0", "br-aa" \} ip daddr 127\.0\.0\.0\/8 drop\n/);
});

test('destroy script creates then deletes the table', () => {
  assert.equal(renderDestroy('pier-0a1b2c3d'), 'table ip pier-0a1b2c3d {}\ndelete table ip pier-0a1b2c3d\n');
});

test('malformed names, addresses and ports are refused (Internal), nothing rendered', () => {
  const bad: FirewallState[] = [
    { ...twoBridges, networks: [{ ...twoBridges.networks[0]!, bridge: 'x"; flush ruleset' }] },
    { ...twoBridges, networks: [{ ...twoBridges.networks[0]!, subnet: '10.0.0.0/33' }] },
    { ...twoBridges, ports: [{ proto: 'tcp', hostIp: '', hostPort: 0, containerIp: '10.1.0.2', containerPort: 80, bridge: 'br-aa' }] },
    { ...twoBridges, ports: [{ proto: 'tcp', hostIp: '', hostPort: 80, containerIp: '10.1.0.256', containerPort: 80, bridge: 'br-aa' }] },
    { ...twoBridges, dnsRedirects: [{ bridge: 'br-aa', ip: '10.1.0.1', port: 70000 }] },
  ];
  for (const s of bad) assert.throws(() => renderFirewall('pier-x', s), (e: Error & { kind?: string }) => e.kind === 'Internal');
  assert.throws(() => renderFirewall('pier x', twoBridges), (e: Error & { kind?: string }) => e.kind === 'Internal');
});

test('isIPv4', () => {
  assert.ok(isIPv4('0.0.0.0') && isIPv4('255.255.255.255') && isIPv4('172.17.0.1'));
  assert.ok(!isIPv4('256.1.1.1') && !isIPv4('1.2.3') && !isIPv4('::1') && !isIPv4('01.2.3.4'));
});

const nftSkip = process.getuid?.() !== 0 ? 'needs root for nft -c' : false;

test('nft accepts the scripts in check mode (nft -c)', { skip: nftSkip }, async () => {
  for (const s of [full, twoBridges, { networks: [], ports: [], dnsRedirects: [] }]) {
    const r = await run('nft', ['-c', '-f', '-'], { input: renderFirewall(`pier-chk${process.pid}`, s) });
    assert.equal(r.code, 0, r.stderr);
  }
  const r = await run('nft', ['-c', '-f', '-'], { input: renderDestroy(`pier-chk${process.pid}`) });
  assert.equal(r.code, 0, r.stderr);
});
