/**
 * The table's physical schema, shared by the CDK construct (lib/) and the
 * CLI, which creates the same table locally. Item layout:
 *
 * | item            | pk                    | sk                                   | notes |
 * |-----------------|-----------------------|--------------------------------------|-------|
 * | latest state    | `S#<scope ARN>`       | `L#<kind>#<resource ARN>`            | one Query loads a scope; `apk` = `A#<service>`, `ask` = `<project ARN>#<kind>` while active |
 * | event           | `R#<resource ARN>`    | `E#<ISO time>#<version, 8 digits>`   | immutable; stream → notifier; `tpk`/`tsk` for windows; TTL |
 * | delivery record | `R#<resource ARN>`    | `D#<event sk>`                       | written after the event's message is published |
 * | cursor          | `C#<service>`         | `<scope ARN>#<kind>`                 | discovery watermark per scope and kind |
 *
 * Latest and event items do not repeat what their keys or their top level
 * already say (keys.ts: `latestItem`, `eventItem`): writes are billed per KB.
 */

/** Partition and sort key attribute names. */
export const KEY = { pk: 'pk', sk: 'sk' } as const;

/** GSI over event items: "what happened in this window" by service and kind. */
export const BY_TIME_INDEX = { name: 'byTime', pk: 'tpk', sk: 'tsk' } as const;

/** Sparse GSI over latest items of resources that can still change. */
export const ACTIVE_INDEX = { name: 'active', pk: 'apk', sk: 'ask' } as const;

/** The TTL attribute (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiresAt';

/** Attribute telling item types apart; the notifier's stream filter matches `event`. */
export const ENTITY_ATTRIBUTE = 'entity';

export type Entity = 'latest' | 'event' | 'delivery' | 'cursor';

/** Global secondary indexes, in the form both CDK and CreateTable take. */
export const GLOBAL_INDEXES = [BY_TIME_INDEX, ACTIVE_INDEX] as const;
