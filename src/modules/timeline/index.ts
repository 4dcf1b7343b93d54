export type { AccountChange, TimelineWrite } from './timeline.ts';
export {
  addNote,
  CreateNote,
  ListTimeline,
  listTimeline,
  NOTE_TYPES,
  recordAccountChange,
  TimelineEntry,
  writeTimeline,
  writeTimelineEntries,
} from './timeline.ts';
export { timelineFacts } from './timeline-facts.ts';
