import type { SqliteDatabase } from './database.ts';

/** An account's non-secret part, as stored. Secrets live in the vault, never in this table. */
export interface AccountRecord {
  id: string;
  providerId: string;
  name: string;
  fields: Record<string, string>;
  isSandbox: boolean;
  createdAt: number;
}

interface AccountRow {
  id: string;
  provider_id: string;
  name: string;
  fields_json: string;
  is_sandbox: number;
  created_at: number;
}

function fromRow(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    providerId: row.provider_id,
    name: row.name,
    fields: JSON.parse(row.fields_json) as Record<string, string>,
    isSandbox: row.is_sandbox === 1,
    createdAt: row.created_at,
  };
}

export class AccountStore {
  readonly #list;
  readonly #get;
  readonly #insertIfMissing;
  readonly #insert;
  readonly #byName;
  readonly #update;
  readonly #remove;

  constructor(db: SqliteDatabase) {
    this.#list = db.prepare<[], AccountRow>(
      'SELECT * FROM accounts ORDER BY is_sandbox DESC, created_at, name',
    );
    this.#get = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE id = ?');
    this.#insertIfMissing = db.prepare<[Record<string, unknown>]>(
      `INSERT INTO accounts (id, provider_id, name, fields_json, is_sandbox, created_at)
       VALUES (@id, @providerId, @name, @fieldsJson, @isSandbox, @createdAt)
       ON CONFLICT(id) DO NOTHING`,
    );
    this.#insert = db.prepare<[Record<string, unknown>]>(
      `INSERT INTO accounts (id, provider_id, name, fields_json, is_sandbox, created_at)
       VALUES (@id, @providerId, @name, @fieldsJson, 0, @createdAt)`,
    );
    this.#byName = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE name = ?');
    // The sandbox row is built in: no statement here can change or delete it.
    this.#update = db.prepare<[{ id: string; name: string; fieldsJson: string }]>(
      'UPDATE accounts SET name = @name, fields_json = @fieldsJson WHERE id = @id AND is_sandbox = 0',
    );
    this.#remove = db.prepare<[string]>('DELETE FROM accounts WHERE id = ? AND is_sandbox = 0');
  }

  /** Rename and/or replace the non-secret fields; false if there is no such (non-sandbox) account. */
  update(id: string, change: Pick<AccountRecord, 'name' | 'fields'>): boolean {
    return (
      this.#update.run({ id, name: change.name, fieldsJson: JSON.stringify(change.fields) }).changes === 1
    );
  }

  /** Delete the account; its vault rows go with it (ON DELETE CASCADE). */
  remove(id: string): boolean {
    return this.#remove.run(id).changes === 1;
  }

  byName(name: string): AccountRecord | undefined {
    const row = this.#byName.get(name);
    return row === undefined ? undefined : fromRow(row);
  }

  add(account: Pick<AccountRecord, 'id' | 'providerId' | 'name' | 'fields'>): AccountRecord {
    const createdAt = Date.now();
    this.#insert.run({
      id: account.id,
      providerId: account.providerId,
      name: account.name,
      fieldsJson: JSON.stringify(account.fields),
      createdAt,
    });
    return { ...account, isSandbox: false, createdAt };
  }

  list(): AccountRecord[] {
    return this.#list.all().map(fromRow);
  }

  get(id: string): AccountRecord | undefined {
    const row = this.#get.get(id);
    return row === undefined ? undefined : fromRow(row);
  }

  /** Create the account unless one with this id exists (first-run defaults must not overwrite edits). */
  ensure(account: Omit<AccountRecord, 'createdAt'>): void {
    this.#insertIfMissing.run({
      id: account.id,
      providerId: account.providerId,
      name: account.name,
      fieldsJson: JSON.stringify(account.fields),
      isSandbox: account.isSandbox ? 1 : 0,
      createdAt: Date.now(),
    });
  }
}
