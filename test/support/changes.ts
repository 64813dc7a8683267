/** The change events of a timeline (leaving out budget and guard events). */
import type { ChangeEvent } from '../../lambda/record/change-event';
import type { TimelineEntry } from '../../lambda/record/history-store';
import { isChangeEvent } from '../../lambda/record/vigil-event';

export function changesOf(timeline: readonly TimelineEntry[]): ChangeEvent[] {
  return timeline.map((t) => t.event).filter(isChangeEvent);
}
