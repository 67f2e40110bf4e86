/**
 * Schema migrations, run on every open. Numbered steps run once each (recorded in
 * `schema_migrations`); after them, every object table gains any column the schema tables in
 * schema.ts have grown since, so adding a field needs no hand-written migration.
 */
import type Database from 'better-sqlite3';
import { OBJECTS, isNumberType, type FieldDef } from './schema.ts';
import { col, tableOf } from './sql.ts';

interface Migration {
  readonly version: number;
  readonly description: string;
  readonly up: (db: Database.Database) => void;
}

function sqlType(field: FieldDef): string {
  if (field.type === 'int' || field.type === 'boolean') return 'INTEGER';
  if (isNumberType(field.type)) return 'REAL';
  return 'TEXT';
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'object tables, phone index, sequences, call center definitions, layout assignments',
    up: (db) => {
      for (const object of OBJECTS) {
        const columns = object.fields.map((fd) => (fd.name === 'Id' ? `"Id" TEXT PRIMARY KEY` : `${col(fd)} ${sqlType(fd)}`));
        db.exec(`CREATE TABLE ${tableOf(object)} (${columns.join(', ')})`);
      }
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE phone_keys (object TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, key TEXT NOT NULL);
        CREATE INDEX phone_keys_key ON phone_keys (key, object);
        CREATE INDEX phone_keys_record ON phone_keys (record_id);
        CREATE TABLE call_center_definitions (call_center_id TEXT PRIMARY KEY, xml TEXT NOT NULL, items TEXT NOT NULL);
        CREATE TABLE softphone_layout_assignments (user_id TEXT PRIMARY KEY, layout_id TEXT NOT NULL);
      `);
    },
  },
  {
    version: 2,
    description: 'validation rules (Setup, per object)',
    up: (db) => {
      db.exec(
        'CREATE TABLE validation_rules (object TEXT NOT NULL, name TEXT NOT NULL COLLATE NOCASE, active INTEGER NOT NULL, formula TEXT NOT NULL, message TEXT NOT NULL, field TEXT, PRIMARY KEY (object, name))',
      );
    },
  },
  {
    version: 3,
    description: 'deleted records (the recycle bin: reading one answers ENTITY_IS_DELETED)',
    up: (db) => {
      db.exec('CREATE TABLE deleted_records (id TEXT PRIMARY KEY, object TEXT NOT NULL, deleted_at TEXT NOT NULL)');
    },
  },
  {
    version: 4,
    description: 'Salesforce Voice: VoiceCall attributes, transcript messages and routing requests (telephony API)',
    up: (db) => {
      db.exec(`
        CREATE TABLE voice_call_attributes (voice_call_id TEXT PRIMARY KEY, attributes TEXT NOT NULL);
        CREATE TABLE voice_call_messages (voice_call_id TEXT NOT NULL, message_id TEXT NOT NULL, sender_type TEXT NOT NULL, participant_id TEXT, content TEXT NOT NULL, start_time INTEGER, end_time INTEGER, received_at TEXT NOT NULL, PRIMARY KEY (voice_call_id, message_id));
        CREATE TABLE voice_call_routing (seq INTEGER PRIMARY KEY AUTOINCREMENT, voice_call_id TEXT NOT NULL, action TEXT NOT NULL, request TEXT NOT NULL, at TEXT NOT NULL);
        CREATE INDEX voice_call_routing_call ON voice_call_routing (voice_call_id);
      `);
    },
  },
];

export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)');
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      m.up(db);
      record.run(m.version, m.description, new Date().toISOString());
    })();
  }
  // Additive sync: columns for fields added to the schema tables after the table was created.
  for (const object of OBJECTS) {
    const existing = new Set((db.prepare(`PRAGMA table_info(${tableOf(object)})`).all() as { name: string }[]).map((r) => r.name));
    if (existing.size === 0) {
      const columns = object.fields.map((fd) => (fd.name === 'Id' ? `"Id" TEXT PRIMARY KEY` : `${col(fd)} ${sqlType(fd)}`));
      db.exec(`CREATE TABLE ${tableOf(object)} (${columns.join(', ')})`);
      continue;
    }
    for (const fd of object.fields) {
      if (!existing.has(fd.name)) db.exec(`ALTER TABLE ${tableOf(object)} ADD COLUMN ${col(fd)} ${sqlType(fd)}`);
    }
  }
  // The telephony API finds calls by the vendor's key on every request; the table exists only after the sync above.
  db.exec('CREATE INDEX IF NOT EXISTS voice_call_vendor_key ON "sobj_VoiceCall" ("VendorCallKey")');
}
