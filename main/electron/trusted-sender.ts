import { isAppUrl } from './app-origin.ts';

/** The parts of a `WebFrameMain` the check reads; a real frame satisfies it. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: object | null;
  readonly processId: number;
  readonly frameToken: string;
}

/** The parts of an `IpcMainInvokeEvent` the check reads; a real event satisfies it. */
export interface SenderEvent {
  readonly senderFrame: SenderFrame | null;
  readonly sender: { readonly id: number; readonly mainFrame: SenderFrame };
}

/**
 * Electron's security checklist, item "validate the sender of all IPC messages": a message is trusted
 * only when it comes from the top frame of a window this app created, showing a page on the app
 * origin. A subframe, a page that navigated away, or a frame already gone (null `senderFrame`) is not.
 */
export function createSenderCheck(
  isOurWebContents: (webContentsId: number) => boolean,
): (event: SenderEvent) => boolean {
  return (event) => {
    const frame = event.senderFrame;
    if (frame === null || frame === undefined) return false;
    if (frame.parent !== null) return false;
    const mainFrame = event.sender.mainFrame;
    // Compared by identity tokens too: Electron may hand out distinct wrappers for one frame.
    const isMainFrame =
      frame === mainFrame ||
      (frame.processId === mainFrame.processId && frame.frameToken === mainFrame.frameToken);
    if (!isMainFrame) return false;
    if (!isAppUrl(frame.url)) return false;
    return isOurWebContents(event.sender.id);
  };
}
