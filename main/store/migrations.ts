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
  // 4: history at 100,000 entries. `seq` is the integer rowid and the sort key: floor(created_at) * 2^20
  // plus a tiebreak within the millisecond, so "newest first" is rowid order — the order FTS5 returns
  // matches in, which lets a search stop after one page instead of sorting every match — and it stays
  // put under VACUUM (an implicit rowid may be renumbered, and the FTS index refers to it). Also: the
  // thumbnail key, a media kind to filter on, filter indexes (each ends with the rowid, so it is already
  // newest-first), and a trigram FTS5 index over name, remote id and link URLs kept in sync by triggers.
  `
  CREATE TABLE history_v4 (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    task_id TEXT,
    account_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mime_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    links_json TEXT NOT NULL,
    details_json TEXT NOT NULL DEFAULT '{}',
    -- The SHA-256 the thumbnailer caches the picture under; NULL while there is none.
    thumbnail_key TEXT,
    created_at INTEGER NOT NULL,
    media_kind TEXT GENERATED ALWAYS AS (
      CASE lower(substr(mime_type, 1, 6))
        WHEN 'image/' THEN 'image' WHEN 'video/' THEN 'video' WHEN 'audio/' THEN 'audio' ELSE 'other'
      END
    ) VIRTUAL
  );
  INSERT INTO history_v4 (seq, id, task_id, account_id, provider_id, name, size, mime_type, sha256, remote_id,
                          links_json, details_json, created_at)
    SELECT CAST(floor(created_at) AS INTEGER) * 1048576
             + row_number() OVER (PARTITION BY CAST(floor(created_at) AS INTEGER) ORDER BY id) - 1,
           id, task_id, account_id, provider_id, name, size, mime_type, sha256, remote_id,
           links_json, details_json, created_at
    FROM history;
  DROP TABLE history;
  ALTER TABLE history_v4 RENAME TO history;
  CREATE INDEX history_account ON history(account_id);
  CREATE INDEX history_provider ON history(provider_id);
  CREATE INDEX history_media_kind ON history(media_kind);

  -- Contentless (the text lives in history) with deletes allowed; trigram so any substring of three or
  -- more characters matches: "2024-05" in IMG_2024-05-01.jpg, a piece of a URL, CJK names (no spaces).
  CREATE VIRTUAL TABLE history_fts USING fts5(
    name, remote_id, links, content = '', contentless_delete = 1, tokenize = 'trigram'
  );
  INSERT INTO history_fts (rowid, name, remote_id, links)
    SELECT seq, name, remote_id, (SELECT group_concat(value ->> 'url', ' ') FROM json_each(links_json))
    FROM history;
  CREATE TRIGGER history_fts_insert AFTER INSERT ON history BEGIN
    INSERT INTO history_fts (rowid, name, remote_id, links)
      VALUES (new.seq, new.name, new.remote_id,
              (SELECT group_concat(value ->> 'url', ' ') FROM json_each(new.links_json)));
  END;
  CREATE TRIGGER history_fts_delete AFTER DELETE ON history BEGIN
    DELETE FROM history_fts WHERE rowid = old.seq;
  END;
  CREATE TRIGGER history_fts_update AFTER UPDATE OF seq, name, remote_id, links_json ON history BEGIN
    DELETE FROM history_fts WHERE rowid = old.seq;
    INSERT INTO history_fts (rowid, name, remote_id, links)
      VALUES (new.seq, new.name, new.remote_id,
              (SELECT group_concat(value ->> 'url', ' ') FROM json_each(new.links_json)));
  END;
  `,
  // 5: a task's file identity includes its change time, which an in-place edit that puts size and mtime
  // back still moves (the kernel sets it; no user call can). NULL for tasks from before.
  `
  ALTER TABLE tasks ADD COLUMN ctime_ms REAL;
  `,
  // 6: images made ready before they leave. The plan is fixed when the task is added (a resume runs the
  // same settings); the staged result is named once complete, so a resume sends the same bytes under the
  // same remote name.
  `
  ALTER TABLE tasks ADD COLUMN plan_json TEXT;
  ALTER TABLE tasks ADD COLUMN staged_json TEXT;
  ALTER TABLE tasks ADD COLUMN remote_name TEXT;
  `,
  // 7: the same bytes on an account found by an index, not by reading every entry of the account
  // before each upload (2,000 uploads to one account: 490 ms of lookups, growing with the history).
  `
  CREATE INDEX history_account_sha256 ON history(account_id, sha256);
  `,
];
