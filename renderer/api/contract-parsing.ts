import { eventNames, type CommandName, type EventName } from '../../shared/channels.ts';
import {
  commandSchemas,
  eventSchemas,
  type CommandResponse,
  type FerryEvent,
} from '../../shared/contract.ts';
import { CommandFailure } from '../models/error-message.ts';

/**
 * Both transports parse what the main side sends, so a contract drift between the two sides shows up
 * as one clear failure at the boundary rather than as `undefined` deep inside a component.
 */
export function parseResponse<N extends CommandName>(name: N, response: unknown): CommandResponse<N> {
  const parsed = commandSchemas[name].response.safeParse(response);
  if (!parsed.success) {
    throw new CommandFailure({
      code: 'malformed-response',
      message: `Ferry answered ${name} in an unexpected shape.`,
    });
  }
  return parsed.data as CommandResponse<N>;
}

function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}

/** An event the renderer understands, or null (unknown names are ignored, malformed payloads reported). */
export function parseEvent(name: unknown, payload: unknown): FerryEvent | null {
  if (!isEventName(name)) return null;
  const parsed = eventSchemas[name].safeParse(payload);
  if (!parsed.success) {
    console.warn(`Ferry sent a malformed ${name} event; ignored.`, parsed.error.issues);
    return null;
  }
  return { name, payload: parsed.data } as FerryEvent;
}
