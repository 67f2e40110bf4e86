/** What a reader makes of a file: the Call Center parts, and where the values the checks judge stand. */
import type { CallCenterParts } from './parsed-call-center.ts';
import type { Position } from './position.ts';

export interface ReadParts extends CallCenterParts {
  readonly internalNamePosition?: Position;
  readonly displayNamePosition?: Position;
  /** Metadata only: where each of `generalFallbacks` stands (the field, or customSettings). */
  readonly fallbackPositions?: Readonly<Record<string, Position>>;
}

/** A general value with where it is: the reqGeneralInfo item, or for Metadata files the field or customSettings. */
export interface LocatedValue {
  readonly value: string;
  readonly at: Position;
}
