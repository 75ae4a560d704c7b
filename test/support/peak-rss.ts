import { readFileSync } from 'node:fs';

/**
 * This process's peak resident set size, in bytes. On Linux it is the kernel's high-water mark of the
 * process's own memory (VmHWM in /proc/self/status), not `process.resourceUsage().maxRSS`: Linux keeps
 * `maxRSS` across exec, so a child that a 300 MiB parent forked reports 300 MiB however little it
 * used itself — every bench child, peer or Ferry, would read its parent's size instead of its own.
 */
export function peakRssBytes(): number {
  if (process.platform === 'linux') {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match !== null) return Number(match[1]) * 1024;
  }
  return process.resourceUsage().maxRSS * 1024;
}
