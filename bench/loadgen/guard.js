'use strict';
// The load generator only ever talks to this machine: any target or source address outside
// 127.0.0.0/8 or ::1 is refused before a single connection is made.

function isLoopbackHost(host) {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(h);
}

function assertLoopbackUrl(url) {
  const u = new URL(url);
  if (!isLoopbackHost(u.hostname)) {
    throw new Error(`refusing non-loopback target ${u.hostname}: the load generator drives 127.0.0.0/8 or ::1 only`);
  }
  return u;
}

function assertLoopbackSources(addresses) {
  for (const a of addresses) {
    if (!isLoopbackHost(a)) throw new Error(`refusing non-loopback source address ${a}`);
  }
  return addresses;
}

module.exports = { isLoopbackHost, assertLoopbackUrl, assertLoopbackSources };
