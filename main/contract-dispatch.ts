import { z } from 'zod';
import { commandSchemas, type CommandResponse, type ParsedCommandRequest } from '../shared/contract.ts';
import { isCommandName, type CommandName } from '../shared/channels.ts';
import type { ErrorView } from '../shared/errors.ts';

export type CommandHandlers = {
  [N in CommandName]: (request: ParsedCommandRequest<N>) => Promise<CommandResponse<N>>;
};

/** A command that failed for a reason the caller should see (bad payload, unknown account, …). */
export class CommandError extends Error {
  readonly view: ErrorView;
  constructor(view: ErrorView) {
    super(view.message);
    this.name = 'CommandError';
    this.view = view;
  }
}

/**
 * The one door into the service from any transport (Electron IPC, the web shell, the CLI): the name
 * must be a contract command and the payload must parse against its schema, or the call is refused
 * before any handler runs.
 */
export async function dispatchCommand(
  handlers: CommandHandlers,
  name: unknown,
  request: unknown,
): Promise<unknown> {
  if (!isCommandName(name)) {
    throw new CommandError({
      code: 'unknown-command',
      message: `Unknown command: ${commandLabel(name)}`,
    });
  }
  const parsed = commandSchemas[name].request.safeParse(request ?? {});
  if (!parsed.success) {
    throw new CommandError({
      code: 'invalid-request',
      message: `Invalid request for ${name}: ${z.prettifyError(parsed.error)}`,
    });
  }
  const handler = handlers[name] as (request: unknown) => Promise<unknown>;
  return handler(parsed.data);
}

/** A command name for messages and logs: any value a caller sent, never echoed whole, never throwing. */
export function commandLabel(name: unknown): string {
  return typeof name === 'string' ? name.slice(0, 100) : `(a ${typeof name}, not a name)`;
}

/** Turn anything thrown by a handler into what crosses the contract: never a stack, never internals. */
export function toErrorView(error: unknown): ErrorView {
  if (error instanceof CommandError) return error.view;
  return { code: 'internal', message: 'Ferry hit an internal error; the details are in its log.' };
}
