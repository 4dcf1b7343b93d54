export type { AccountChange, TimelineWrite } from './timeline.ts';
export {
  addNote,
  CreateNote,
  deleteAccountTimeline,
  ListTimeline,
  listTimeline,
  NOTE_TYPES,
  recordAccountChange,
  TimelineEntry,
  touchCounts,
  writeTimeline,
  writeTimelineEntries,
} from './timeline.ts';
export { timelineFacts } from './timeline-facts.ts';
export { listParam, type ValueKind, valueParam } from './values.ts';
