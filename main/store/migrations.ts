/**
 * Versioned schema. Append only: a released migration never changes, a new one is added. Each runs in
 * its own transaction together with the bump of `user_version`, so a crash leaves the old or the new
 * schema, never half of one.
 */
export const migrations: readonly string[] = [
  // 1: the walking skeleton's tables.
  `
  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL,
    name TEXT NOT NULL,
    fields_json TEXT NOT NULL,
    is_sandbox INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );

  -- The journal: a task is written before any network I/O and its session after each acknowledged step.
  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER,
    mtime_ms REAL,
    state TEXT NOT NULL,
    session_json TEXT,
    committed_bytes INTEGER NOT NULL DEFAULT 0,
    md5 TEXT,
    sha256 TEXT,
    error_json TEXT,
    history_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX tasks_state ON tasks(state);

  CREATE TABLE history (
    id TEXT PRIMARY KEY,
    task_id TEXT,
    account_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mime_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    links_json TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX history_recent ON history(created_at DESC, id DESC);

  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value_json TEXT NOT NULL
  );
  `,
  // 2: encrypted secret account fields (the vault), and a unique index for account names.
  `
  CREATE TABLE account_secrets (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    blob BLOB NOT NULL,
    PRIMARY KEY (account_id, key)
  );
  CREATE UNIQUE INDEX accounts_name ON accounts(name);
  `,
  // 3: provider-specific facts of a finished upload (share secret, picture ids, message body fields).
  `
  ALTER TABLE history ADD COLUMN details_json TEXT NOT NULL DEFAULT '{}';
  `,
];
