#!/usr/bin/env node
// Runs a command inside a loopback-only network namespace (unshare -n, then `ip link set lo up`),
// so nothing a test or benchmark opens can send a packet beyond 127.0.0.1.
// Usage: node scripts/in-netns.mjs <command> [args...]
import { spawnSync } from 'node:child_process';

export function inNetns() {
  return process.env.SWITCHBOARD_NETNS === '1';
}

function quote(a) {
  return `'${String(a).replace(/'/g, `'\\''`)}'`;
}

export function reexecInNetns(argv) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // As root: a plain network namespace. Otherwise: a user namespace that maps us to root in it.
  const unshareArgs = isRoot ? ['-n'] : ['-r', '-n'];
  const script = `ip link set lo up && ip route add default dev lo 2>/dev/null; exec ${argv.map(quote).join(' ')}`;
  const r = spawnSync('unshare', [...unshareArgs, 'sh', '-c', script], {
    stdio: 'inherit',
    env: { ...process.env, SWITCHBOARD_NETNS: '1' },
  });
  if (r.error) {
    console.error(
      `Cannot create the loopback-only network namespace (unshare ${unshareArgs.join(' ')}): ${r.error.message}.\n` +
        'Tests that open sockets must run inside one. Run as root, or allow unprivileged user namespaces.',
    );
    return 1;
  }
  return r.status ?? 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  if (argv.length === 0) {
    console.error('usage: in-netns.mjs <command> [args...]');
    process.exit(2);
  }
  if (inNetns()) {
    const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  process.exit(reexecInNetns(argv));
}
