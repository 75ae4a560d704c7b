import type { FerryEvent } from '../shared/contract.ts';

/** The composition root's face: what every transport (Electron IPC, web shell, CLI) talks to. */
export interface FerryService {
  /** Validate and run one contract command; throws CommandError for a refused call. */
  dispatch(name: unknown, request: unknown): Promise<unknown>;
  subscribe(listener: (event: FerryEvent) => void): () => void;
  /** Where the web shell stages the bytes of files dropped into a browser. */
  readonly stagingDir: string;
  close(): Promise<void>;
}

export interface ServiceOptions {
  dataDir: string;
}
