/** The syntax tree of the SOQL subset the emulator understands (see parser.ts for the grammar). */
import type { Token } from './lexer.ts';

export interface Positioned {
  /** The token the node starts at, for error messages. */
  readonly token: Token;
}

export interface FieldRef extends Positioned {
  readonly name: string;
  /** Parent relationship names before the field (`Account.Name`: ['Account']); absent for a plain field. */
  readonly path?: readonly string[];
}

export type Literal =
  | { readonly kind: 'string'; readonly value: string; readonly token: Token }
  | { readonly kind: 'number'; readonly value: number; readonly token: Token }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly token: Token }
  | { readonly kind: 'null'; readonly token: Token }
  | { readonly kind: 'date'; readonly value: string; readonly token: Token }
  | { readonly kind: 'datetime'; readonly value: string; readonly token: Token }
  /** TODAY, LAST_N_DAYS:7 … */
  | { readonly kind: 'dateFunction'; readonly name: string; readonly n?: number; readonly token: Token };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { readonly kind: 'and'; readonly items: readonly Condition[] }
  | { readonly kind: 'or'; readonly items: readonly Condition[] }
  | { readonly kind: 'not'; readonly item: Condition }
  | { readonly kind: 'compare'; readonly field: FieldRef; readonly op: CompareOp; readonly value: Literal }
  | { readonly kind: 'in'; readonly field: FieldRef; readonly negated: boolean; readonly values: readonly Literal[] }
  | { readonly kind: 'like'; readonly field: FieldRef; readonly pattern: Literal }
  /** `Id IN (SELECT AccountId FROM Contact WHERE …)`: a semi-join, or with `negated` (NOT IN) an anti-join. */
  | { readonly kind: 'semiJoin'; readonly field: FieldRef; readonly negated: boolean; readonly query: SelectQuery; readonly token: Token }
  /** HAVING only: `COUNT(Id) > 1`, `MAX(CreatedDate) < 2026-01-01T00:00:00Z`. */
  | { readonly kind: 'aggregateCompare'; readonly aggregate: AggregateRef; readonly op: CompareOp; readonly value: Literal };

export interface OrderItem {
  readonly field: FieldRef;
  readonly descending: boolean;
  readonly nullsLast: boolean;
}

export type AggregateFunction = 'COUNT' | 'COUNT_DISTINCT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';

/** `COUNT(Id)`, `SUM(Amount) total`: one column of an aggregate query. */
export interface AggregateRef extends Positioned {
  readonly fn: AggregateFunction;
  readonly field: FieldRef;
  readonly alias?: string;
}

/**
 * `TYPEOF What WHEN Account THEN Phone, Name WHEN Case THEN CaseNumber ELSE Name END`: a polymorphic
 * relationship's fields chosen by the type of the record it points to.
 */
export interface TypeOf extends Positioned {
  readonly relationship: FieldRef;
  readonly whens: readonly { readonly object: FieldRef; readonly fields: readonly FieldRef[] }[];
  readonly otherwise?: readonly FieldRef[];
}

/** `(SELECT LastName FROM Contacts)`: a child relationship's records under each row. */
export interface SubQuery extends Positioned {
  readonly query: SelectQuery;
}

export interface SelectQuery {
  readonly select:
    | { readonly kind: 'count'; readonly token: Token }
    | {
        readonly kind: 'fields';
        readonly fields: readonly FieldRef[];
        readonly aggregates?: readonly AggregateRef[];
        readonly subqueries?: readonly SubQuery[];
        readonly typeofs?: readonly TypeOf[];
      };
  readonly groupBy?: readonly FieldRef[];
  /** Filters groups: on aggregates or grouped fields (needs GROUP BY). */
  readonly having?: Condition;
  readonly from: FieldRef;
  readonly where?: Condition;
  readonly orderBy: readonly OrderItem[];
  readonly limit?: { readonly value: number; readonly token: Token };
  readonly offset?: { readonly value: number; readonly token: Token };
}
