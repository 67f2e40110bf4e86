/**
 * TYPEOF in the select list: `TYPEOF What WHEN Account THEN Phone, Name WHEN Case THEN CaseNumber
 * ELSE Name END`. Each row's parent through a polymorphic lookup (Who, What, Owner…) carries the
 * fields of the WHEN for its own type, the ELSE fields (the Name object's, as for `What.Name`) when
 * no WHEN names its type, and only its attributes when there is no ELSE either.
 */
import { findField, findObject, type FieldDef, type ObjectDef } from '../schema.ts';
import { positionedError } from './lexer.ts';
import { QUERY_ERROR } from './parser.ts';
import type { FieldRef, TypeOf } from './ast.ts';
import { nameObjectField, noSuchColumn, relationshipField, targetsOf } from './relationship.ts';

/** A TYPEOF resolved: the lookup, and the field names to read per parent type (`otherwise`: Name object fields). */
export interface TypedParentSelect {
  readonly relationship: string;
  readonly reference: FieldDef;
  readonly byType: ReadonlyMap<string, readonly string[]>;
  readonly otherwise: readonly string[];
}

function fieldNames(refs: readonly FieldRef[], find: (name: string) => FieldDef | undefined, entity: string, source: string): string[] {
  const names: string[] = [];
  for (const ref of refs) {
    if (ref.path)
      throw positionedError(
        QUERY_ERROR,
        source,
        ref.token,
        `TYPEOF fields are the parent's own: ${[...ref.path, ref.name].join('.')} goes through another relationship`,
      );
    const field = find(ref.name);
    if (!field) throw noSuchColumn(source, ref, entity);
    if (names.includes(field.name)) throw positionedError('INVALID_FIELD', source, ref.token, `duplicate field selected: ${field.name}`);
    names.push(field.name);
  }
  return names;
}

export function resolveTypeOf(object: ObjectDef, t: TypeOf, source: string): TypedParentSelect {
  const ref = t.relationship;
  const reference = ref.path ? undefined : relationshipField(object, ref.name);
  if (!reference) {
    throw positionedError(
      'INVALID_FIELD',
      source,
      ref.token,
      `Didn't understand relationship '${ref.name}' in TYPEOF on ${object.name}. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`,
    );
  }
  const targets = targetsOf(reference);
  if (targets.length < 2)
    throw positionedError(
      QUERY_ERROR,
      source,
      ref.token,
      `TYPEOF needs a polymorphic relationship; ${object.name}.${reference.relationshipName} always points to ${targets[0]?.name ?? 'one object'}`,
    );
  const byType = new Map<string, readonly string[]>();
  for (const when of t.whens) {
    const target = findObject(when.object.name);
    if (!target || !targets.includes(target)) {
      throw positionedError(
        'INVALID_TYPE',
        source,
        when.object.token,
        `${when.object.name} is not a type ${object.name}.${reference.relationshipName} can point to (${targets.map((o) => o.name).join(', ')})`,
      );
    }
    if (byType.has(target.name))
      throw positionedError(QUERY_ERROR, source, when.object.token, `TYPEOF ${reference.relationshipName} names ${target.name} twice`);
    byType.set(
      target.name,
      fieldNames(when.fields, (n) => findField(target, n), target.name, source),
    );
  }
  const otherwise = t.otherwise ? fieldNames(t.otherwise, nameObjectField, 'Name', source) : [];
  return { relationship: reference.relationshipName!, reference, byType, otherwise };
}
