import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

// Clients that speak HTTP and WebSocket byte by byte, so tests can send what no well-behaved client
// library would: cut-off requests, resets, garbage, malformed frames.

/** A TCP connection to 127.0.0.1:port; its errors (the server resetting it) are expected and ignored. */
export async function rawConnect(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** Resolves when the socket is closed (by either side); false if `ms` passed first. */
export function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  // Flowing, so that a server's last words (a 408, a close frame) cannot keep the end from being seen.
  socket.resume();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Everything the server sends until it closes the connection (or `ms` passes). */
export function readUntilClosed(socket: Socket, ms = 5000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return closedWithin(socket, ms).then(() => Buffer.concat(chunks));
}

/** The request head of a WebSocket upgrade to `path` (which carries the token, if any). */
export function upgradeRequest(options: { port: number; path: string; origin?: string }): string {
  const host = `127.0.0.1:${options.port}`;
  return (
    `GET ${options.path} HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${options.origin ?? `http://${host}`}\r\n` +
    `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`
  );
}

/** Send an upgrade and wait for the server's answer head; resolves with its status line. */
export function upgrade(socket: Socket, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      cleanUp();
      resolve(head.split('\r\n')[0]!);
    };
    const onClose = (): void => {
      cleanUp();
      reject(new Error(`the connection closed before the upgrade was answered: ${JSON.stringify(head)}`));
    };
    const cleanUp = (): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.write(request);
  });
}

export const wsOpcodes = { text: 0x1, binary: 0x2, close: 0x8, ping: 0x9 } as const;

/**
 * One client-to-server frame (masked, as RFC 6455 requires of clients). `declaredLength` announces
 * another payload length than the bytes that follow (an oversized frame needs only its header).
 */
export function wsFrame(opcode: number, payload: Buffer, options: { declaredLength?: number } = {}): Buffer {
  const length = options.declaredLength ?? payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x80 | opcode, 0x80 | length]);
  } else if (length < 65536) {
    header = Buffer.alloc(4);
    header.writeUInt8(0x80 | opcode, 0);
    header.writeUInt8(0x80 | 126, 1);
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(0x80 | opcode, 0);
    header.writeUInt8(0x80 | 127, 1);
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let index = 0; index < masked.length; index++) masked[index]! ^= mask[index % 4]!;
  return Buffer.concat([header, mask, masked]);
}
