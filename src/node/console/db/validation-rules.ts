/**
 * Validation rules, as an org admin defines them in Setup (Object Manager → Validation Rules): an
 * error condition formula (formula.ts) that, when TRUE for a record being saved, refuses the save
 * with FIELD_CUSTOM_VALIDATION_EXCEPTION, the rule's error message and, when the rule shows its
 * error at a field, that field. They run after the field checks and the object's own rules, on the
 * record as it would be stored, on create and update, whoever writes (REST, Open CTI saveLog).
 *
 * They let the emulator refuse a record the way a customer's org does for reasons of its own
 * ("a call needs Comments"), which is how a connector meets a log it cannot save.
 */
import type Database from 'better-sqlite3';
import { sfError, SalesforceError, type SalesforceErrorItem } from './errors.ts';
import { evaluate, fieldsOf, FormulaError, parseFormula, type Formula } from './formula.ts';
import { findField, findObject, type FieldValue } from './schema.ts';

export interface ValidationRule {
  /** The object the rule belongs to (API name, e.g. `Task`). */
  readonly object: string;
  /** Its unique name on the object (letters, digits and underscores, starting with a letter). */
  readonly name: string;
  readonly active: boolean;
  /** TRUE means the record is refused. */
  readonly errorConditionFormula: string;
  readonly errorMessage: string;
  /** The field the error shows at; absent: at the top of the page (no field in the error). */
  readonly errorDisplayField?: string;
}

interface Row {
  object: string;
  name: string;
  active: number;
  formula: string;
  message: string;
  field: string | null;
}

export class ValidationRuleStore {
  /** Parsed formulas by object (lower case), rebuilt when a rule changes. */
  private cache?: Map<string, { readonly rule: ValidationRule; readonly formula: Formula }[]>;

  constructor(private readonly sql: Database.Database) {}

  list(object?: string): ValidationRule[] {
    const rows = this.sql.prepare('SELECT object, name, active, formula, message, field FROM validation_rules ORDER BY object, name').all() as Row[];
    return rows.filter((r) => !object || r.object.toLowerCase() === object.toLowerCase()).map(toRule);
  }

  /**
   * Creates or replaces the rule `object`.`name` (an admin saving it in Setup). Throws
   * SalesforceError when the object, the formula, a field it names or the display field is not valid.
   */
  save(rule: ValidationRule): ValidationRule {
    const def = findObject(rule.object);
    if (!def) throw sfError('INVALID_TYPE', `sObject type '${rule.object}' is not supported.`);
    if (!/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(rule.name) || rule.name.endsWith('_') || rule.name.includes('__')) {
      throw sfError(
        'FIELD_INTEGRITY_EXCEPTION',
        'Rule Name: must begin with a letter, use only letters, digits and single underscores, and not end with an underscore.',
        ['ValidationName'],
      );
    }
    if (!rule.errorMessage.trim()) throw sfError('REQUIRED_FIELD_MISSING', 'Required fields are missing: [ErrorMessage]', ['ErrorMessage']);
    let formula: Formula;
    try {
      formula = parseFormula(rule.errorConditionFormula);
    } catch (e) {
      if (e instanceof FormulaError) throw sfError('FIELD_INTEGRITY_EXCEPTION', `Error Condition Formula: ${e.message}`, ['ErrorConditionFormula']);
      throw e;
    }
    const unknown = fieldsOf(formula).find((name) => !findField(def, name));
    if (unknown)
      throw sfError('FIELD_INTEGRITY_EXCEPTION', `Error Condition Formula: Field ${unknown} does not exist. Check spelling.`, ['ErrorConditionFormula']);
    const display = rule.errorDisplayField ? findField(def, rule.errorDisplayField) : undefined;
    if (rule.errorDisplayField && !display)
      throw sfError('FIELD_INTEGRITY_EXCEPTION', `Error Location: Field ${rule.errorDisplayField} does not exist.`, ['ErrorDisplayField']);
    const stored: ValidationRule = {
      object: def.name,
      name: rule.name,
      active: rule.active,
      errorConditionFormula: rule.errorConditionFormula,
      errorMessage: rule.errorMessage,
      ...(display ? { errorDisplayField: display.name } : {}),
    };
    this.sql
      .prepare(
        `INSERT INTO validation_rules (object, name, active, formula, message, field) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(object, name) DO UPDATE SET active = excluded.active, formula = excluded.formula, message = excluded.message, field = excluded.field`,
      )
      .run(stored.object, stored.name, stored.active ? 1 : 0, stored.errorConditionFormula, stored.errorMessage, stored.errorDisplayField ?? null);
    this.cache = undefined;
    return stored;
  }

  /** Deletes a rule; true when there was one. */
  delete(object: string, name: string): boolean {
    const result = this.sql.prepare('DELETE FROM validation_rules WHERE object = ? COLLATE NOCASE AND name = ? COLLATE NOCASE').run(object, name);
    this.cache = undefined;
    return result.changes > 0;
  }

  /** Throws FIELD_CUSTOM_VALIDATION_EXCEPTION (one item per rule that fires) when an active rule refuses the record. */
  check(object: string, record: Readonly<Record<string, FieldValue>>): void {
    const fired: SalesforceErrorItem[] = [];
    for (const { rule, formula } of this.active(object)) {
      if (evaluate(formula, record) !== true) continue;
      fired.push({
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: rule.errorMessage,
        fields: rule.errorDisplayField ? [rule.errorDisplayField] : [],
      });
    }
    if (fired.length) throw new SalesforceError(fired);
  }

  private active(object: string): { readonly rule: ValidationRule; readonly formula: Formula }[] {
    if (!this.cache) {
      this.cache = new Map();
      for (const rule of this.list()) {
        if (!rule.active) continue;
        const key = rule.object.toLowerCase();
        this.cache.set(key, [...(this.cache.get(key) ?? []), { rule, formula: parseFormula(rule.errorConditionFormula) }]);
      }
    }
    return this.cache.get(object.toLowerCase()) ?? [];
  }
}

function toRule(r: Row): ValidationRule {
  return {
    object: r.object,
    name: r.name,
    active: r.active === 1,
    errorConditionFormula: r.formula,
    errorMessage: r.message,
    ...(r.field ? { errorDisplayField: r.field } : {}),
  };
}
