import type { Page, WebSocketRoute } from '@playwright/test';
import { webSocketPath } from '../../../shared/web-protocol.ts';
import type { FerryEvent } from '../../../shared/contract.ts';

/**
 * Events only the desktop app's main side sends (a notification click's `app.navigate`, the
 * shortcut's `notice`), delivered to the page over the web shell's own socket: Playwright sits on the
 * socket, passes everything through both ways, and adds the test's event as a server message. Call
 * before the page loads.
 */
export async function mainSideEvents(page: Page): Promise<(event: FerryEvent) => void> {
  let socket: WebSocketRoute | null = null;
  await page.routeWebSocket(new RegExp(`${webSocketPath}\\?`), (route) => {
    route.connectToServer();
    socket = route;
  });
  return (event) => {
    if (socket === null) throw new Error('the page has no socket to the web shell yet');
    socket.send(JSON.stringify({ type: 'event', name: event.name, payload: event.payload }));
  };
}
