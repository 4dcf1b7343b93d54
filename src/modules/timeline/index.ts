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
  writeTimeline,
  writeTimelineEntries,
} from './timeline.ts';
