import net from 'node:net';

/**
 * A safety net for tests that feed generated data to the service: a generated account could name any
 * host, and nothing may leave this machine. Until `restore()`, every TCP connection this process opens
 * to anything but loopback fails at once (before any DNS lookup) with ECONNREFUSED, and is recorded.
 * It stands in for nothing: what it blocks would be a bug of the test, never behaviour under test.
 */
export function refuseNonLoopback(): { refused: string[]; restore(): void } {
  const refused: string[] = [];
  const connect = net.Socket.prototype.connect;
  const isLoopback = (host: string) =>
    host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
  net.Socket.prototype.connect = function connectLoopbackOnly(this: net.Socket, ...args: unknown[]) {
    const [first, second] = args;
    let host: string | undefined;
    if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
      const options = first as { host?: string; path?: string };
      host = options.path !== undefined ? undefined : (options.host ?? 'localhost');
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      host = typeof second === 'string' ? second : 'localhost';
    }
    if (host !== undefined && !isLoopback(host)) {
      refused.push(host);
      const error = Object.assign(new Error(`connection to ${host} refused by the test`), {
        code: 'ECONNREFUSED',
      });
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
  return {
    refused,
    restore() {
      net.Socket.prototype.connect = connect;
    },
  };
}
